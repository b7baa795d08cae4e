package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
)

// ConnectionInfo is a Jupyter connection file.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	SignatureScheme string `json:"signature_scheme"`
	Key             string `json:"key"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	KernelName      string `json:"kernel_name"`
}

// ReadConnectionFile reads and checks the connection file Jupyter passes to
// a kernel it starts.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	var ci ConnectionInfo
	b, err := os.ReadFile(path)
	if err != nil {
		return ci, fmt.Errorf("connection file: %w", err)
	}
	if err := json.Unmarshal(b, &ci); err != nil {
		return ci, fmt.Errorf("connection file %s: bad JSON: %w", path, err)
	}
	if err := ci.validate(); err != nil {
		return ci, fmt.Errorf("connection file %s: %w", path, err)
	}
	return ci, nil
}

// validate checks the fields a kernel needs to start. A missing transport
// means tcp, as in jupyter_client.
func (ci *ConnectionInfo) validate() error {
	switch ci.Transport {
	case "":
		ci.Transport = "tcp"
	case "tcp", "ipc":
	default:
		return fmt.Errorf("unknown transport %q (want tcp or ipc)", ci.Transport)
	}
	if ci.IP == "" {
		return errors.New("no ip")
	}
	if ci.Transport == "tcp" && ci.IP != "*" && net.ParseIP(ci.IP) == nil {
		return fmt.Errorf("ip %q is not an IP address", ci.IP)
	}
	if ci.Key != "" && ci.SignatureScheme != "hmac-sha256" {
		return fmt.Errorf("unknown signature scheme %q (only hmac-sha256 is supported)", ci.SignatureScheme)
	}
	for _, p := range ci.ports() {
		if p.port <= 0 || p.port > 65535 {
			return fmt.Errorf("%s %d is not a port number", p.name, p.port)
		}
	}
	return nil
}

type namedPort struct {
	name string
	port int
}

func (ci ConnectionInfo) ports() []namedPort {
	return []namedPort{
		{"shell_port", ci.ShellPort},
		{"iopub_port", ci.IOPubPort},
		{"stdin_port", ci.StdinPort},
		{"control_port", ci.ControlPort},
		{"hb_port", ci.HBPort},
	}
}

// bindEndpoint is where the kernel binds port: endpoint, through the
// guarded transports of guard.go.
func (ci ConnectionInfo) bindEndpoint(port int) string {
	ep := ci.endpoint(port)
	if ci.Transport == "ipc" {
		return guardedIPC + ep[len("ipc"):]
	}
	return guardedTCP + ep[len("tcp"):]
}

// endpoint is the ZMQ address for one port: tcp://IP:PORT, or the
// IP-PORT file for ipc, as jupyter_client names them.
func (ci ConnectionInfo) endpoint(port int) string {
	if ci.Transport == "ipc" {
		return "ipc://" + ci.IP + "-" + strconv.Itoa(port)
	}
	ip := ci.IP
	if ip == "*" {
		ip = "0.0.0.0"
	}
	return "tcp://" + net.JoinHostPort(ip, strconv.Itoa(port))
}
