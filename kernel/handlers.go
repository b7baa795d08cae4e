package kernel

import (
	"encoding/json"
	"fmt"
	"runtime/debug"

	"github.com/igo-kernel/igo/session"
)

// Request contents. Pointers mark fields whose default is not the zero value.
type (
	executeRequest struct {
		Code            string            `json:"code"`
		Silent          bool              `json:"silent"`
		StoreHistory    *bool             `json:"store_history"`
		UserExpressions map[string]string `json:"user_expressions"`
		AllowStdin      *bool             `json:"allow_stdin"`
		StopOnError     *bool             `json:"stop_on_error"`
	}
	codeRequest struct { // complete, inspect and is_complete
		Code        string `json:"code"`
		CursorPos   *int   `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	historyRequest struct {
		Output         bool     `json:"output"`
		Raw            bool     `json:"raw"`
		HistAccessType string   `json:"hist_access_type"`
		Session        *float64 `json:"session"`
		Start          *float64 `json:"start"`
		Stop           *float64 `json:"stop"`
		N              *float64 `json:"n"`
		Pattern        string   `json:"pattern"`
		Unique         bool     `json:"unique"`
	}
	shutdownRequest struct {
		Restart bool `json:"restart"`
	}
	commOpen struct {
		CommID     string `json:"comm_id"`
		TargetName string `json:"target_name"`
	}
)

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

func intOr(p *float64, def int) int {
	if p == nil {
		return def
	}
	return int(*p)
}

// errorContent is the content of a reply with status error.
func errorContent(ename, evalue string, traceback []string) map[string]any {
	if traceback == nil {
		traceback = []string{}
	}
	return map[string]any{"status": "error", "ename": ename, "evalue": evalue, "traceback": traceback}
}

// handleShell serves one shell request between busy and idle on iopub.
func (k *kernel) handleShell(r received) {
	m := r.message
	k.publish(m, "status", map[string]any{"execution_state": "busy"})
	defer k.publish(m, "status", map[string]any{"execution_state": "idle"})
	defer k.recoverInto(k.shell, m)

	switch t := m.Header.MsgType; t {
	case "execute_request":
		k.execute(r)
	case "kernel_info_request":
		k.reply(k.shell, m, "kernel_info_reply", k.kernelInfo())
	case "complete_request":
		k.complete(m)
	case "inspect_request":
		k.inspect(m)
	case "is_complete_request":
		k.isComplete(m)
	case "history_request":
		k.historyReply(m)
	case "comm_info_request":
		k.reply(k.shell, m, "comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}})
	case "comm_open":
		// No comm targets are registered: close the comm at once, as
		// ipykernel does for an unknown target.
		var c commOpen
		_ = json.Unmarshal(m.Content, &c)
		k.log.Info("closing comm for an unknown target", "target_name", c.TargetName)
		k.publish(m, "comm_close", map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
	case "comm_msg", "comm_close":
		// Accepted and ignored: no comm is ever open.
	case "connect_request":
		k.reply(k.shell, m, "connect_reply", k.connectReply())
	case "shutdown_request":
		k.shutdown(k.shell, m)
	case "interrupt_request":
		k.interrupt(k.shell, m)
	default:
		k.unknown(k.shell, m)
	}
}

// handleControl serves one control request; it runs while a cell runs.
func (k *kernel) handleControl(m message) {
	k.publish(m, "status", map[string]any{"execution_state": "busy"})
	defer k.publish(m, "status", map[string]any{"execution_state": "idle"})
	defer k.recoverInto(k.control, m)

	switch m.Header.MsgType {
	case "kernel_info_request":
		k.reply(k.control, m, "kernel_info_reply", k.kernelInfo())
	case "shutdown_request":
		k.shutdown(k.control, m)
	case "interrupt_request":
		k.interrupt(k.control, m)
	case "debug_request":
		// No debugger (kernel_info says so); answer so clients never hang.
		k.reply(k.control, m, "debug_reply", errorContent("NotImplemented", "this kernel has no debugger", nil))
	default:
		k.unknown(k.control, m)
	}
}

// recoverInto turns a panic while serving m into an error reply, so one bad
// request never takes the kernel down.
func (k *kernel) recoverInto(s *socket, m message) {
	v := recover()
	if v == nil {
		return
	}
	k.log.Error("panic while serving a request", "msg_type", m.Header.MsgType, "panic", v, "stack", string(debug.Stack()))
	if rt, ok := replyType(m.Header.MsgType); ok {
		k.reply(s, m, rt, errorContent("KernelPanic", fmt.Sprint(v), nil))
	}
}

// unknown answers a request the kernel does not know with an error reply:
// clients wait for a reply to every request.
func (k *kernel) unknown(s *socket, m message) {
	rt, ok := replyType(m.Header.MsgType)
	if !ok {
		k.log.Warn("ignored a message that is not a request", "socket", s.name, "msg_type", m.Header.MsgType)
		return
	}
	k.log.Warn("unknown request", "socket", s.name, "msg_type", m.Header.MsgType)
	k.reply(s, m, rt, errorContent("UnknownRequest", "unknown request type "+m.Header.MsgType, nil))
}

func (k *kernel) kernelInfo() map[string]any {
	links := k.info.HelpLinks
	if links == nil {
		links = []HelpLink{}
	}
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       protocolVersion,
		"implementation":         k.info.Implementation,
		"implementation_version": k.info.ImplementationVersion,
		"language_info": map[string]any{
			"name":            "go",
			"version":         k.info.LanguageVersion,
			"mimetype":        "text/x-go",
			"file_extension":  ".go",
			"pygments_lexer":  "go",
			"codemirror_mode": "go",
		},
		"banner":     k.info.Banner,
		"help_links": links,
		"debugger":   false,
		// Protocol 5.4: optional features this kernel has (none yet).
		"supported_features": []string{},
	}
}

func (k *kernel) connectReply() map[string]any {
	return map[string]any{
		"status":       "ok",
		"shell_port":   k.conn.ShellPort,
		"iopub_port":   k.conn.IOPubPort,
		"stdin_port":   k.conn.StdinPort,
		"control_port": k.conn.ControlPort,
		"hb_port":      k.conn.HBPort,
	}
}

func (k *kernel) execute(r received) {
	m := r.message
	var req executeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(k.shell, m, "execute_reply", errorContent("BadRequest", "execute_request: "+err.Error(), nil))
		return
	}
	if r.seq <= k.abortUpTo {
		// Queued behind a cell that failed with stop_on_error.
		k.reply(k.shell, m, "execute_reply", map[string]any{"status": "aborted"})
		return
	}
	store := boolOr(req.StoreHistory, true) && !req.Silent
	if store {
		k.count++
		k.hist.add(k.count, req.Code)
	}
	count := k.count
	if !req.Silent {
		k.publish(m, "execute_input", map[string]any{"code": req.Code, "execution_count": count})
	}
	out := &cellOutput{
		k:          k,
		parent:     m,
		silent:     req.Silent,
		count:      count,
		store:      store,
		allowStdin: boolOr(req.AllowStdin, true),
	}
	rep := k.runCell(session.ExecuteRequest{
		Code:            req.Code,
		Silent:          req.Silent,
		StoreHistory:    store,
		AllowStdin:      out.allowStdin,
		ExecutionCount:  count,
		UserExpressions: req.UserExpressions,
	}, out)
	exprs := rep.UserExpressions
	if exprs == nil {
		exprs = map[string]any{}
	}
	if e := rep.Error; e != nil {
		tb := e.Traceback
		if tb == nil {
			tb = []string{}
		}
		if !req.Silent {
			k.publish(m, "error", map[string]any{"ename": e.Name, "evalue": e.Value, "traceback": tb})
		}
		c := errorContent(e.Name, e.Value, tb)
		c["execution_count"] = count
		c["user_expressions"] = exprs
		c["payload"] = []any{}
		k.reply(k.shell, m, "execute_reply", c)
		if boolOr(req.StopOnError, true) {
			// What reached the shell socket by now was sent before the
			// client could see the error: abort those cells (as ipykernel
			// does once the reply is out).
			k.abortUpTo = k.shellSeq.Load()
		}
		return
	}
	payload := []any{}
	for _, p := range rep.Payload {
		payload = append(payload, p)
	}
	k.reply(k.shell, m, "execute_reply", map[string]any{
		"status":           "ok",
		"execution_count":  count,
		"payload":          payload,
		"user_expressions": exprs,
	})
}

// runCell calls the session, turning a panic in it into a cell error.
func (k *kernel) runCell(req session.ExecuteRequest, out session.Output) (rep session.ExecuteReply) {
	defer func() {
		if v := recover(); v != nil {
			k.log.Error("session panicked while executing", "panic", v, "stack", string(debug.Stack()))
			rep = session.ExecuteReply{Error: &session.Error{
				Name:  "KernelPanic",
				Value: fmt.Sprint(v),
			}}
		}
	}()
	return k.sess.Execute(k.execCtx, req, out)
}

// cursor returns the request's cursor, defaulting to the end of the code.
func (c codeRequest) cursor() int {
	if c.CursorPos == nil {
		return len([]rune(c.Code))
	}
	return *c.CursorPos
}

func (k *kernel) complete(m message) {
	var req codeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(k.shell, m, "complete_reply", errorContent("BadRequest", err.Error(), nil))
		return
	}
	c := k.sess.Complete(req.Code, req.cursor())
	matches := c.Matches
	if matches == nil {
		matches = []string{}
	}
	md := c.Metadata
	if md == nil {
		md = map[string]any{}
	}
	k.reply(k.shell, m, "complete_reply", map[string]any{
		"status":       "ok",
		"matches":      matches,
		"cursor_start": c.CursorStart,
		"cursor_end":   c.CursorEnd,
		"metadata":     md,
	})
}

func (k *kernel) inspect(m message) {
	var req codeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(k.shell, m, "inspect_reply", errorContent("BadRequest", err.Error(), nil))
		return
	}
	in := k.sess.Inspect(req.Code, req.cursor(), req.DetailLevel)
	data := in.Data
	if data == nil || !in.Found {
		data = map[string]any{}
	}
	k.reply(k.shell, m, "inspect_reply", map[string]any{
		"status":   "ok",
		"found":    in.Found,
		"data":     data,
		"metadata": map[string]any{},
	})
}

func (k *kernel) isComplete(m message) {
	var req codeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(k.shell, m, "is_complete_reply", map[string]any{"status": "unknown"})
		return
	}
	status, indent := k.sess.IsComplete(req.Code)
	switch status {
	case "complete", "invalid", "unknown":
		k.reply(k.shell, m, "is_complete_reply", map[string]any{"status": status})
	case "incomplete":
		k.reply(k.shell, m, "is_complete_reply", map[string]any{"status": status, "indent": indent})
	default:
		k.log.Warn("session gave an unknown is_complete status", "status", status)
		k.reply(k.shell, m, "is_complete_reply", map[string]any{"status": "unknown"})
	}
}

func (k *kernel) historyReply(m message) {
	var req historyRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(k.shell, m, "history_reply", errorContent("BadRequest", err.Error(), nil))
		return
	}
	var entries []historyEntry
	switch req.HistAccessType {
	case "tail":
		entries = k.hist.tail(intOr(req.N, defaultTail))
	case "range":
		entries = k.hist.lines(intOr(req.Session, historySession), intOr(req.Start, 1), intOr(req.Stop, 0))
	case "search":
		entries = k.hist.search(req.Pattern, intOr(req.N, 0), req.Unique)
	default:
		k.reply(k.shell, m, "history_reply", errorContent("BadRequest", fmt.Sprintf("unknown hist_access_type %q", req.HistAccessType), nil))
		return
	}
	k.reply(k.shell, m, "history_reply", map[string]any{"status": "ok", "history": historyTuples(entries, req.Output)})
}

// shutdown answers a shutdown request, broadcasts the reply on iopub (as
// protocol 5.4 asks) and ends Run.
func (k *kernel) shutdown(s *socket, m message) {
	var req shutdownRequest
	_ = json.Unmarshal(m.Content, &req)
	content := map[string]any{"status": "ok", "restart": req.Restart}
	k.reply(s, m, "shutdown_reply", content)
	k.publish(m, "shutdown_reply", content)
	k.log.Info("shutdown requested", "restart", req.Restart)
	k.stop()
}

// interrupt asks the session to stop the running cell and cancels a pending
// input prompt. The session may take a grace period, so it runs aside and
// the reply goes at once.
func (k *kernel) interrupt(s *socket, m message) {
	k.cancelInput()
	go func() {
		defer func() {
			if v := recover(); v != nil {
				k.log.Error("session panicked on interrupt", "panic", v)
			}
		}()
		k.sess.Interrupt()
	}()
	k.reply(s, m, "interrupt_reply", map[string]any{"status": "ok"})
}
