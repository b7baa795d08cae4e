package display

import (
	"crypto/rand"
	"encoding/hex"
)

// Handle is a display that can be replaced in place: Update sends
// update_display_data with the same display_id, so the notebook redraws the
// original output instead of appending a new one.
type Handle struct {
	id string
	// build turns the argument of Update into a bundle of the same kind as
	// the original display (HTML stays HTML); ok is false when the value
	// does not fit that kind and Bundle should be used instead.
	build func(v any) (data, metadata map[string]any, ok bool)
}

// newID returns a fresh display id.
func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "igo-" + hex.EncodeToString(b[:])
}

// show publishes a new display and returns its handle.
func show(data, metadata map[string]any, build func(v any) (map[string]any, map[string]any, bool)) *Handle {
	h := &Handle{id: newID(), build: build}
	publish(capBundle(data), metadata, h.id, false)
	return h
}

// ID is the display_id shared by the display and its updates.
func (h *Handle) ID() string { return h.id }

// Update replaces the display's content. A value of the display's own kind
// (a string for HTML, Markdown, SVG or LaTeX; bytes or an image for PNG and
// JPEG; any value for JSON and Vega-Lite) keeps that kind; any other value
// is shown as Bundle shows it.
func (h *Handle) Update(v any) {
	if h.build != nil {
		if data, metadata, ok := h.build(v); ok {
			publish(capBundle(data), metadata, h.id, true)
			return
		}
	}
	data, metadata := Bundle(v)
	if data == nil {
		return
	}
	publish(data, metadata, h.id, true)
}

// UpdateMIME replaces the display's content with a raw MIME bundle (MIME
// type -> content); text/plain is added when missing.
func (h *Handle) UpdateMIME(bundle map[string]any) {
	data, metadata, _ := mimeBuild(bundle)
	publish(capBundle(data), metadata, h.id, true)
}

// Display shows any value the way Bundle renders it (as a cell result
// would be shown) and returns a handle to update it. Showing a *Handle
// again returns it unchanged.
func Display(v any) *Handle {
	if h, ok := v.(*Handle); ok {
		return h
	}
	data, metadata := Bundle(v)
	return show(data, metadata, nil)
}
