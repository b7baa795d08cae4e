package display

import (
	"fmt"
	"image"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/gomlx/gomlx/core/tensors"
)

// MaxTextBytes caps each textual MIME entry of a bundle (see the package
// doc); content beyond it is replaced by a notice.
const MaxTextBytes = 1 << 20

// HTMLer is implemented by types that render themselves as HTML.
type HTMLer interface{ HTML() string }

// Markdowner is implemented by types that render themselves as Markdown.
type Markdowner interface{ Markdown() string }

// SVGer is implemented by types that render themselves as SVG.
type SVGer interface{ SVG() string }

// MIMEBundler is implemented by types that provide their own MIME bundle
// (MIME type -> content).
type MIMEBundler interface{ MIMEBundle() map[string]any }

// Bundle turns a cell's trailing-expression value into a MIME bundle for
// execute_result. text/plain is always present, except for a *Handle,
// which was displayed already: then data is nil and nothing should be
// shown.
func Bundle(v any) (data, metadata map[string]any) {
	data, metadata = bundle(v)
	if data == nil {
		return nil, nil
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	return capBundle(data), metadata
}

func bundle(v any) (data, metadata map[string]any) {
	switch x := v.(type) {
	case nil:
		return map[string]any{"text/plain": "<nil>"}, nil
	case *Handle:
		return nil, nil
	case MIMEBundler:
		d, m, _ := mimeBuild(x.MIMEBundle())
		return d, m
	case HTMLer:
		return map[string]any{"text/html": x.HTML(), "text/plain": plainText(v)}, nil
	case Markdowner:
		return map[string]any{"text/markdown": x.Markdown(), "text/plain": plainText(v)}, nil
	case SVGer:
		return map[string]any{"image/svg+xml": x.SVG(), "text/plain": plainText(v)}, nil
	case string:
		return map[string]any{"text/plain": strconv.Quote(x)}, nil
	case error:
		return map[string]any{"text/plain": x.Error()}, nil
	case *tensors.Tensor:
		return tensorBundle(x), nil
	case image.Image:
		return imageValueData(x)
	}
	return map[string]any{"text/plain": plainText(v)}, nil
}

// plainText is fmt's %v, protected against a String method that panics.
func plainText(v any) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("[%T: String panicked: %v]", v, r)
		}
	}()
	return fmt.Sprintf("%v", v)
}

// textual lists the MIME types capped at MaxTextBytes.
var textual = map[string]bool{
	"text/plain": true, "text/html": true, "text/markdown": true,
	"text/latex": true, "image/svg+xml": true,
}

// capBundle cuts textual entries longer than MaxTextBytes, adding a notice.
func capBundle(data map[string]any) map[string]any {
	for k, v := range data {
		s, ok := v.(string)
		if !ok || !textual[k] || len(s) <= MaxTextBytes {
			continue
		}
		if k == "image/svg+xml" {
			// A cut SVG is not an image any more: drop it, keep the notice.
			delete(data, k)
			data["text/plain"] = fmt.Sprintf("%v\n[SVG of %d bytes not shown: over the %d-byte limit]",
				data["text/plain"], len(s), MaxTextBytes)
			continue
		}
		cut := MaxTextBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		notice := fmt.Sprintf("\n… [output truncated: %d of %d bytes shown]", cut, len(s))
		if k == "text/html" {
			notice = "<p><i>" + notice + "</i></p>"
		}
		data[k] = s[:cut] + notice
	}
	return data
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
