package main

import (
	"math/rand/v2"
	"strings"
)

// Words for generated lines, in the manner of the plays.
var (
	speakers   = []string{"FIRST CITIZEN", "SECOND CITIZEN", "MENENIUS", "CORIOLANUS", "KING RICHARD II", "JULIET", "ROMEO", "NURSE", "GLOUCESTER", "DUKE VINCENTIO", "ISABELLA", "LUCIO", "PETRUCHIO", "KATHARINA", "QUEEN ELIZABETH", "BUCKINGHAM"}
	openers    = []string{"I pray you", "Good my lord", "Nay", "Alas", "O", "What", "Why", "Marry", "Come", "Hark", "Sirrah", "My gracious lord", "Fie", "Peace"}
	subjects   = []string{"I", "thou", "he", "she", "we", "you", "the king", "my heart", "this hand", "the duke", "your honour", "my soul", "the people", "our state", "thy father"}
	verbs      = []string{"shall see", "doth love", "will speak", "must bear", "hath made", "would have", "dost know", "cannot tell", "shall hear", "did swear", "will not leave", "doth fear"}
	objects    = []string{"the crown", "thy face", "this night", "my word", "the city", "his sword", "her grace", "our cause", "the gods", "your love", "this world", "the senate", "my tongue", "thy blood"}
	adverbials = []string{"ere long", "in faith", "with all my heart", "upon my life", "to-morrow", "at the gate", "for shame", "by my troth", "in this hour", "till death", "before the morning", "against the wind"}
	enders     = []string{".", ".", ".", ",", "!", "?", ";", ":"}
)

func pick(rng *rand.Rand, words []string) string { return words[rng.IntN(len(words))] }

// sentence makes one line of verse from the word lists.
func sentence(rng *rand.Rand) string {
	var b strings.Builder
	if rng.IntN(3) == 0 {
		b.WriteString(pick(rng, openers) + ", ")
	}
	subj := pick(rng, subjects)
	if b.Len() == 0 {
		subj = strings.ToUpper(subj[:1]) + subj[1:]
	}
	b.WriteString(subj + " " + pick(rng, verbs) + " " + pick(rng, objects))
	if rng.IntN(2) == 0 {
		b.WriteString(" " + pick(rng, adverbials))
	}
	b.WriteString(pick(rng, enders))
	return b.String()
}

// Play generates about n bytes of dialogue laid out like Tiny Shakespeare:
// a speaker's name and colon on a line, one to four lines of speech, a
// blank line.
func Play(n int) []byte {
	rng := rand.New(rand.NewPCG(14, 3))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(pick(rng, speakers) + ":\n")
		for range 1 + rng.IntN(4) {
			b.WriteString(sentence(rng) + "\n")
		}
		b.WriteString("\n")
	}
	return []byte(b.String()[:n])
}
