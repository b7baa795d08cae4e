package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kernel.json")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodConn = `{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004,
 "hb_port": 5005, "ip": "127.0.0.1", "key": "k3y", "transport": "tcp",
 "signature_scheme": "hmac-sha256", "kernel_name": "igo"}`

func TestReadConnectionFile(t *testing.T) {
	ci, err := ReadConnectionFile(writeFile(t, goodConn))
	if err != nil {
		t.Fatal(err)
	}
	want := ConnectionInfo{"tcp", "127.0.0.1", "hmac-sha256", "k3y", 5001, 5002, 5003, 5004, 5005, "igo"}
	if ci != want {
		t.Errorf("got %+v, want %+v", ci, want)
	}
	if ep := ci.endpoint(ci.ShellPort); ep != "tcp://127.0.0.1:5001" {
		t.Errorf("endpoint = %q", ep)
	}
	ci.IP = "::1"
	if ep := ci.endpoint(7); ep != "tcp://[::1]:7" {
		t.Errorf("IPv6 endpoint = %q", ep)
	}
	ci.Transport, ci.IP = "ipc", "/tmp/kernel-x"
	if ep := ci.endpoint(7); ep != "ipc:///tmp/kernel-x-7" {
		t.Errorf("ipc endpoint = %q", ep)
	}
}

func TestReadConnectionFileErrors(t *testing.T) {
	if _, err := ReadConnectionFile(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	cases := map[string]struct{ text, want string }{
		"bad json":          {`{"shell_port": `, "bad JSON"},
		"unknown transport": {strings.Replace(goodConn, `"tcp"`, `"udp"`, 1), `unknown transport "udp"`},
		"unknown scheme":    {strings.Replace(goodConn, "hmac-sha256", "hmac-md5", 1), `unknown signature scheme "hmac-md5"`},
		"missing port":      {strings.Replace(goodConn, `"hb_port": 5005,`, "", 1), "hb_port 0 is not a port number"},
		"bad ip":            {strings.Replace(goodConn, "127.0.0.1", "localhost:1", 1), "not an IP address"},
		"no ip":             {strings.Replace(goodConn, `"ip": "127.0.0.1",`, "", 1), "no ip"},
	}
	for name, c := range cases {
		_, err := ReadConnectionFile(writeFile(t, c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, c.want)
		}
	}
	// An empty key needs no scheme: signing is off.
	noKey := strings.Replace(strings.Replace(goodConn, `"k3y"`, `""`, 1), "hmac-sha256", "", 1)
	if _, err := ReadConnectionFile(writeFile(t, noKey)); err != nil {
		t.Errorf("empty key: %v", err)
	}
}
