package prep

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Vocab maps tokens (characters or words) to ids and back. Id 0 stands for
// any token not in the vocabulary.
type Vocab struct {
	Tokens []string // Tokens[id]; Tokens[0] is the unknown token
	Words  bool     // word tokens (else characters)
	index  map[string]int32
}

// Unknown tokens of each kind.
const (
	UnknownChar = "\uFFFD"
	UnknownWord = "<unk>"
)

func newVocab(tokens []string, words bool) *Vocab {
	v := &Vocab{Tokens: tokens, Words: words, index: make(map[string]int32, len(tokens))}
	for i, t := range tokens {
		v.index[t] = int32(i)
	}
	return v
}

// CharVocab is the sorted set of characters of text, after the unknown one.
func CharVocab(text string) *Vocab {
	seen := map[rune]bool{}
	for _, r := range text {
		seen[r] = true
	}
	var runes []rune
	for r := range seen {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	tokens := []string{UnknownChar}
	for _, r := range runes {
		tokens = append(tokens, string(r))
	}
	return newVocab(tokens, false)
}

// SplitWords splits text into words (runs of letters, digits and
// apostrophes) and single punctuation marks; spaces are dropped.
func SplitWords(text string) []string {
	var out []string
	start := -1
	for i, r := range text {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\''
		if inWord {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, text[start:i])
			start = -1
		}
		if !unicode.IsSpace(r) {
			out = append(out, string(r))
		}
	}
	if start >= 0 {
		out = append(out, text[start:])
	}
	return out
}

// WordVocab holds the maxSize-1 most frequent words of text (ties broken
// alphabetically) after the unknown word; maxSize <= 0 keeps all.
func WordVocab(text string, maxSize int) *Vocab {
	counts := map[string]int{}
	for _, w := range SplitWords(text) {
		counts[w]++
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	if maxSize > 0 && len(words) > maxSize-1 {
		words = words[:maxSize-1]
	}
	return newVocab(append([]string{UnknownWord}, words...), true)
}

// Size is the number of ids.
func (v *Vocab) Size() int { return len(v.Tokens) }

// Encode turns text into ids.
func (v *Vocab) Encode(text string) []int32 {
	var ids []int32
	if v.Words {
		for _, w := range SplitWords(text) {
			ids = append(ids, v.index[w])
		}
		return ids
	}
	ids = make([]int32, 0, len(text))
	for _, r := range text {
		ids = append(ids, v.index[string(r)])
	}
	return ids
}

// EncodeTensor turns text into an int32 tensor [N].
func (v *Vocab) EncodeTensor(text string) *tensors.Tensor {
	ids := v.Encode(text)
	return tensors.FromFlatDataAndDimensions(ids, len(ids))
}

// Decode turns ids back into text (words are joined by spaces).
func (v *Vocab) Decode(ids []int32) string {
	var b strings.Builder
	for i, id := range ids {
		if v.Words && i > 0 {
			b.WriteByte(' ')
		}
		if id >= 0 && int(id) < len(v.Tokens) {
			b.WriteString(v.Tokens[id])
		} else {
			b.WriteString(v.Tokens[0])
		}
	}
	return b.String()
}

// DecodeTensor decodes an integer tensor of ids (flattened).
func (v *Vocab) DecodeTensor(t *tensors.Tensor) (string, error) {
	var ids []int32
	var err error
	t.MustConstFlatData(func(a any) {
		switch x := a.(type) {
		case []int32:
			ids = x
		case []int64:
			for _, id := range x {
				ids = append(ids, int32(id))
			}
		default:
			err = fmt.Errorf("DecodeTensor wants integer ids, got %s", t.DType())
		}
	})
	if err != nil {
		return "", err
	}
	return v.Decode(ids), nil
}

// Windows cuts a sequence of ids ([N]) into overlapping examples for a
// language model: inputs [M, seqLen] and targets [M, seqLen] shifted by one
// token, a new window every stride tokens.
func Windows(ids *tensors.Tensor, seqLen, stride int) (inputs, targets *tensors.Tensor, err error) {
	if seqLen <= 0 || stride <= 0 {
		return nil, nil, fmt.Errorf("Windows: seqLen and stride must be positive")
	}
	seq, err := Labels(ids)
	if err != nil {
		return nil, nil, fmt.Errorf("Windows: %w", err)
	}
	if len(seq) < seqLen+1 {
		return nil, nil, fmt.Errorf("Windows: %d tokens are too few for windows of %d", len(seq), seqLen)
	}
	m := (len(seq)-seqLen-1)/stride + 1
	inputs = tensors.FromShape(shapes.Make(dtypes.Int32, m, seqLen))
	targets = tensors.FromShape(shapes.Make(dtypes.Int32, m, seqLen))
	tensors.MustMutableFlatData(inputs, func(in []int32) {
		tensors.MustMutableFlatData(targets, func(tg []int32) {
			for w := range m {
				s := w * stride
				for k := range seqLen {
					in[w*seqLen+k] = int32(seq[s+k])
					tg[w*seqLen+k] = int32(seq[s+k+1])
				}
			}
		})
	})
	return inputs, targets, nil
}
