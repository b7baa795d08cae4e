package kernel

import (
	"encoding/json"
	"errors"

	"github.com/igo-kernel/igo/session"
)

// Errors Input returns.
var (
	ErrStdinNotAllowed = errors.New("this client does not accept input (allow_stdin is false)")
	ErrInputCancelled  = errors.New("input cancelled: the cell was interrupted or the kernel is shutting down")
)

// cellOutput publishes what one running cell produces, with its
// execute_request as parent so frontends attach it to the right cell.
type cellOutput struct {
	k          *kernel
	parent     message
	silent     bool // silent cells publish nothing but status
	count      int
	store      bool // the cell is in history: record its text result
	allowStdin bool
}

var _ session.Output = (*cellOutput)(nil)

func orObject(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func (o *cellOutput) Stream(name, text string) {
	if o.silent || text == "" {
		return
	}
	if name != "stdout" && name != "stderr" {
		name = "stdout"
	}
	o.k.publish(o.parent, "stream", map[string]any{"name": name, "text": text})
}

func (o *cellOutput) Display(data, metadata, transient map[string]any, update bool) {
	if o.silent {
		return
	}
	t := "display_data"
	if update {
		t = "update_display_data"
	}
	o.k.publish(o.parent, t, map[string]any{
		"data":      orObject(data),
		"metadata":  orObject(metadata),
		"transient": orObject(transient),
	})
}

func (o *cellOutput) Result(data, metadata map[string]any) {
	if o.store {
		if s, ok := data["text/plain"].(string); ok {
			o.k.hist.setOutput(o.count, s)
		}
	}
	if o.silent {
		return
	}
	o.k.publish(o.parent, "execute_result", map[string]any{
		"execution_count": o.count,
		"data":            orObject(data),
		"metadata":        orObject(metadata),
	})
}

func (o *cellOutput) Clear(wait bool) {
	if o.silent {
		return
	}
	o.k.publish(o.parent, "clear_output", map[string]any{"wait": wait})
}

// Input sends input_request on stdin to the client that sent the cell and
// waits for its input_reply.
func (o *cellOutput) Input(prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", ErrStdinNotAllowed
	}
	return o.k.requestInput(o.parent, prompt, password)
}

type inputReply struct {
	Value string `json:"value"`
}

func (k *kernel) requestInput(parent message, prompt string, password bool) (string, error) {
	cancel := make(chan struct{})
	k.inputMu.Lock()
	if k.inputCancel != nil {
		k.inputMu.Unlock()
		return "", errors.New("another input request is already waiting")
	}
	k.inputCancel = cancel
	k.inputMu.Unlock()
	defer func() {
		k.inputMu.Lock()
		if k.inputCancel == cancel {
			k.inputCancel = nil
		}
		k.inputMu.Unlock()
	}()

	// Forget replies to earlier prompts that came too late.
	for len(k.inputReplies) > 0 {
		<-k.inputReplies
	}
	req := k.sendTo(k.stdin, parent.Identities, parent, "input_request", map[string]any{"prompt": prompt, "password": password})
	for {
		select {
		case m := <-k.inputReplies:
			var ph struct {
				MsgID string `json:"msg_id"`
			}
			_ = json.Unmarshal(m.ParentHeader, &ph)
			if ph.MsgID != "" && ph.MsgID != req.MsgID {
				continue // a reply to another prompt
			}
			var r inputReply
			if err := json.Unmarshal(m.Content, &r); err != nil {
				return "", err
			}
			return r.Value, nil
		case <-cancel:
			return "", ErrInputCancelled
		case <-k.done:
			return "", ErrInputCancelled
		}
	}
}

// cancelInput ends a pending Input with ErrInputCancelled.
func (k *kernel) cancelInput() {
	k.inputMu.Lock()
	defer k.inputMu.Unlock()
	if k.inputCancel != nil {
		close(k.inputCancel)
		k.inputCancel = nil
	}
}
