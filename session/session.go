// Package session is the contract between the protocol kernel (package
// kernel) and a language runtime (package runtime): what the kernel asks of a
// session and how the session sends outputs back while a cell runs. Neither
// side imports the other; main wires them together.
package session

import "context"

// Session is a persistent language session that runs cells.
type Session interface {
	// Execute runs one cell. Outputs produced while it runs go to out, in
	// the order the cell produced them. ctx is cancelled when the kernel is
	// shutting down; interrupts arrive through Interrupt.
	Execute(ctx context.Context, req ExecuteRequest, out Output) ExecuteReply
	// Complete lists completions for the code at the cursor (a rune offset).
	Complete(code string, cursor int) Completion
	// Inspect describes the symbol at the cursor (a rune offset).
	Inspect(code string, cursor int, detailLevel int) Inspection
	// IsComplete tells whether code is ready to run: status is "complete",
	// "incomplete" (with the indent for the next line) or "invalid".
	IsComplete(code string) (status, indent string)
	// Interrupt stops the running cell, softly first, then by restarting
	// the worker if the cell does not stop within a grace period.
	Interrupt()
	// Restart throws the session's state away and starts afresh.
	Restart() error
	// Close ends the session and any process it started.
	Close() error
}

// ExecuteRequest is one cell to run.
type ExecuteRequest struct {
	Code            string
	Silent          bool
	StoreHistory    bool
	AllowStdin      bool
	ExecutionCount  int               // the count this cell is shown with
	UserExpressions map[string]string // name -> expression, evaluated after the cell
}

// ExecuteReply is the outcome of a cell.
type ExecuteReply struct {
	// Error is nil when the cell succeeded.
	Error *Error
	// UserExpressions maps each requested name to a MIME bundle result:
	// {"status":"ok","data":{...},"metadata":{}} or an error dict.
	UserExpressions map[string]any
	// Payload holds execute_reply payloads, e.g. {"source": "page", ...}
	// for documentation asked with "name?".
	Payload []map[string]any
}

// Error describes a failed cell, as Jupyter's error output shows it.
type Error struct {
	Name      string   // e.g. "CompileError", "panic", "WorkerDied"
	Value     string   // one-line message
	Traceback []string // lines; may contain ANSI colours
}

// Output receives what a running cell produces.
type Output interface {
	// Stream sends text to "stdout" or "stderr".
	Stream(name, text string)
	// Display shows a MIME bundle (display_data), or updates an earlier one
	// when update is true (update_display_data). transient may carry
	// {"display_id": id}.
	Display(data, metadata, transient map[string]any, update bool)
	// Result shows the value of the cell's trailing expression
	// (execute_result).
	Result(data, metadata map[string]any)
	// Clear clears the cell's output (clear_output).
	Clear(wait bool)
	// Input asks the user for a line of input through the stdin channel.
	// It fails when the client does not allow stdin.
	Input(prompt string, password bool) (string, error)
}

// Completion is the answer to a completion request.
type Completion struct {
	Matches     []string
	CursorStart int // rune offsets of the text the matches replace
	CursorEnd   int
	Metadata    map[string]any
}

// Inspection is the answer to an inspect request.
type Inspection struct {
	Found bool
	Data  map[string]any // MIME bundle, at least text/plain
}
