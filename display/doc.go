// Package display is the rich-output API that notebook cells import: HTML,
// Markdown, SVG, PNG/JPEG, image.Image, JSON, LaTeX, Vega-Lite and raw MIME
// bundles; display handles that update in place; one-call charts (line,
// scatter, histogram, image grid); progress bars; and a live training plot
// for GoMLX's train.Loop.
//
// # Where output goes
//
// The notebook worker installs a [Publisher] with [SetPublisher]. Without
// one (plain programs, `igo run`), every display falls back to its
// text/plain form printed on stdout, and progress bars draw in the terminal.
//
// # Values shown as cell results
//
// [Bundle] turns the value of a cell's trailing expression into a MIME
// bundle. text/plain is always present: fmt's %v of the value, except that
// strings are quoted (strconv.Quote). On top of that:
//
//   - image.Image: image/png.
//   - *tensors.Tensor (GoMLX): an HTML table when it has at most
//     [SmallTensorSize] elements, otherwise a summary (shape, dtype, min,
//     max, mean).
//   - error: its message.
//   - *Handle: nothing (nil bundle): the value was displayed already.
//
// A type controls its own display by implementing any of these methods,
// like IPython's _repr_*_ methods; the first one found, in this order, wins:
//
//	MIMEBundle() map[string]any // the full bundle, MIME type -> content
//	HTML() string               // text/html
//	Markdown() string           // text/markdown
//	SVG() string                // image/svg+xml
//
// # Size limit
//
// Textual MIME content (text/plain, text/html, text/markdown, text/latex,
// image/svg+xml) longer than [MaxTextBytes] is cut at that size and a notice
// saying how much was left out is appended, so a stray huge value cannot
// freeze the notebook.
package display
