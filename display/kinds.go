package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"image"
	_ "image/jpeg" // DecodeConfig of JPEG displays
	"image/png"
	"strings"
)

// VegaLiteSchema is the $schema set on Vega-Lite specs that lack one.
const VegaLiteSchema = "https://vega.github.io/schema/vega-lite/v5.json"

// VegaLiteMIME is the MIME type JupyterLab renders natively as Vega-Lite 5.
const VegaLiteMIME = "application/vnd.vegalite.v5+json"

// stringBuild makes a builder for kinds whose content is a string.
func stringBuild(f func(s string) (map[string]any, map[string]any)) func(any) (map[string]any, map[string]any, bool) {
	return func(v any) (map[string]any, map[string]any, bool) {
		s, ok := v.(string)
		if !ok {
			return nil, nil, false
		}
		data, metadata := f(s)
		return data, metadata, true
	}
}

func htmlData(s string) (map[string]any, map[string]any) {
	return map[string]any{"text/html": s, "text/plain": htmlToText(s)}, nil
}

func markdownData(s string) (map[string]any, map[string]any) {
	return map[string]any{"text/markdown": s, "text/plain": s}, nil
}

func svgData(s string) (map[string]any, map[string]any) {
	return map[string]any{"image/svg+xml": s, "text/plain": "[SVG image]"}, nil
}

func latexData(s string) (map[string]any, map[string]any) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "$") && !strings.HasPrefix(t, `\begin`) && !strings.HasPrefix(t, `\[`) {
		t = "$$" + t + "$$"
	}
	return map[string]any{"text/latex": t, "text/plain": s}, nil
}

// HTML shows HTML; text/plain carries the text without tags.
func HTML(s string) *Handle { d, m := htmlData(s); return show(d, m, stringBuild(htmlData)) }

// Markdown shows Markdown (with $...$ math, as JupyterLab renders it).
func Markdown(s string) *Handle {
	d, m := markdownData(s)
	return show(d, m, stringBuild(markdownData))
}

// SVG shows an SVG document given as text.
func SVG(s string) *Handle { d, m := svgData(s); return show(d, m, stringBuild(svgData)) }

// LaTeX shows a formula; text without $ or \begin delimiters is wrapped in
// $$...$$.
func LaTeX(s string) *Handle { d, m := latexData(s); return show(d, m, stringBuild(latexData)) }

// imageData builds a bundle for encoded image bytes of the given MIME type,
// with the pixel size in metadata when it can be read.
func imageData(mime string, b []byte) (map[string]any, map[string]any) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return map[string]any{"text/plain": fmt.Sprintf("[invalid %s image: %v]", mime, err)}, nil
	}
	if "image/"+format != mime {
		return map[string]any{"text/plain": fmt.Sprintf("[invalid %s image: data is %s]", mime, format)}, nil
	}
	data := map[string]any{
		mime:         base64.StdEncoding.EncodeToString(b),
		"text/plain": fmt.Sprintf("[%s image %dx%d]", strings.ToUpper(format), cfg.Width, cfg.Height),
	}
	metadata := map[string]any{mime: map[string]any{"width": cfg.Width, "height": cfg.Height}}
	return data, metadata
}

// imageBuild makes a builder accepting encoded bytes of the given type, or
// an image.Image (encoded as PNG).
func imageBuild(mime string) func(any) (map[string]any, map[string]any, bool) {
	return func(v any) (map[string]any, map[string]any, bool) {
		switch x := v.(type) {
		case []byte:
			d, m := imageData(mime, x)
			return d, m, true
		case image.Image:
			d, m := imageValueData(x)
			return d, m, true
		}
		return nil, nil, false
	}
}

// imageValueData encodes img as PNG.
func imageValueData(img image.Image) (map[string]any, map[string]any) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return map[string]any{"text/plain": fmt.Sprintf("[image that cannot be encoded as PNG: %v]", err)}, nil
	}
	return imageData("image/png", buf.Bytes())
}

// PNG shows PNG-encoded bytes.
func PNG(b []byte) *Handle {
	d, m := imageData("image/png", b)
	return show(d, m, imageBuild("image/png"))
}

// JPEG shows JPEG-encoded bytes.
func JPEG(b []byte) *Handle {
	d, m := imageData("image/jpeg", b)
	return show(d, m, imageBuild("image/jpeg"))
}

// Image shows an image.Image, encoded as PNG.
func Image(img image.Image) *Handle {
	d, m := imageValueData(img)
	return show(d, m, imageBuild("image/png"))
}

// toJSONValue turns v into plain JSON values (maps, slices, strings,
// numbers, bools): a string or []byte is parsed as JSON text, anything else
// goes through encoding/json.
func toJSONValue(v any) (any, error) {
	var raw []byte
	switch x := v.(type) {
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	case json.RawMessage:
		raw = x
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func jsonData(v any) (map[string]any, map[string]any, bool) {
	j, err := toJSONValue(v)
	if err != nil {
		return map[string]any{"text/plain": fmt.Sprintf("[value not representable as JSON: %v]", err)}, nil, true
	}
	text, _ := json.MarshalIndent(j, "", "  ")
	return map[string]any{"application/json": j, "text/plain": string(text)}, nil, true
}

// JSON shows a value as an expandable JSON tree. A string or []byte is
// taken as JSON text; other values are encoded with encoding/json.
func JSON(v any) *Handle {
	d, m, _ := jsonData(v)
	return show(d, m, jsonData)
}

// vegaLiteData validates a Vega-Lite spec and adds $schema when missing.
func vegaLiteData(spec any) (map[string]any, map[string]any, bool) {
	j, err := toJSONValue(spec)
	if err != nil {
		return map[string]any{"text/plain": fmt.Sprintf("[invalid Vega-Lite spec: %v]", err)}, nil, true
	}
	obj, ok := j.(map[string]any)
	if !ok {
		return map[string]any{"text/plain": "[invalid Vega-Lite spec: not a JSON object]"}, nil, true
	}
	if _, ok := obj["$schema"]; !ok {
		obj["$schema"] = VegaLiteSchema
	}
	text := "[Vega-Lite chart]"
	if title, ok := obj["title"].(string); ok {
		text = "[Vega-Lite chart: " + title + "]"
	}
	return map[string]any{VegaLiteMIME: obj, "text/plain": text}, nil, true
}

// VegaLite shows a Vega-Lite v5 chart. spec is JSON text (string or
// []byte) or any value encoding/json turns into a JSON object (e.g.
// map[string]any); $schema is added when missing.
func VegaLite(spec any) *Handle {
	d, m, _ := vegaLiteData(spec)
	return show(d, m, vegaLiteData)
}

// mimeBuild copies a raw bundle, adding text/plain when missing and moving
// a "metadata" entry, if any, out of the data.
func mimeBuild(v any) (map[string]any, map[string]any, bool) {
	bundle, ok := v.(map[string]any)
	if !ok {
		return nil, nil, false
	}
	data := make(map[string]any, len(bundle)+1)
	for k, val := range bundle {
		if b, isBytes := val.([]byte); isBytes && strings.HasPrefix(k, "image/") && k != "image/svg+xml" {
			val = base64.StdEncoding.EncodeToString(b) // binary content travels as base64
		}
		data[k] = val
	}
	if _, ok := data["text/plain"]; !ok {
		types := make([]string, 0, len(data))
		for k := range data {
			types = append(types, k)
		}
		data["text/plain"] = "[" + strings.Join(sortedStrings(types), ", ") + "]"
	}
	return data, nil, true
}

// MIME shows a raw MIME bundle: MIME type -> content (strings, JSON
// values; []byte for binary images is base64-encoded). text/plain is added
// when missing.
func MIME(bundle map[string]any) *Handle {
	d, m, _ := mimeBuild(bundle)
	return show(d, m, mimeBuild)
}

// Text shows plain text (also what plain programs print).
func Text(s string) *Handle {
	build := func(s string) (map[string]any, map[string]any) {
		return map[string]any{"text/plain": s}, nil
	}
	d, m := build(s)
	return show(d, m, stringBuild(build))
}

// htmlToText drops tags and unescapes entities, a readable text/plain
// stand-in for HTML.
func htmlToText(s string) string {
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(html.UnescapeString(b.String()))
}
