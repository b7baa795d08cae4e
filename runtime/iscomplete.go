package runtime

import (
	"go/scanner"
	"go/token"
	"strings"

	"github.com/igo-kernel/igo/runtime/cell"
)

// isComplete tells a console whether code can run as typed: "incomplete"
// while brackets are open or a string is unterminated (with an indent for
// the next line), "invalid" when it cannot parse, else "complete".
func isComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	for _, p := range cell.Split(code) {
		if p.Kind != cell.Go {
			continue
		}
		depth, unterminated := openBrackets(p.Body)
		if unterminated || depth > 0 {
			return "incomplete", strings.Repeat("    ", max(depth, 1))
		}
		if depth < 0 {
			return "invalid", ""
		}
		if _, err := cell.Chunks(p.Body, p.Line); err != nil {
			return "invalid", ""
		}
	}
	return "complete", ""
}

// openBrackets counts brackets left open and notices an unterminated
// string or comment at the end of src.
func openBrackets(src string) (depth int, unterminated bool) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(_ token.Position, msg string) {
		if strings.Contains(msg, "not terminated") {
			unterminated = true
		}
	}, 0)
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return depth, unterminated
		case token.LBRACE, token.LPAREN, token.LBRACK:
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
		}
	}
}
