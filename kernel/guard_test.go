package kernel

import (
	"encoding/binary"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"
)

func greeting() []byte {
	g := make([]byte, zmtpGreeting)
	g[0], g[9], g[10] = 0xff, 0x7f, 3
	copy(g[12:], "NULL")
	return g
}

func longHeader(flags byte, size uint64) []byte {
	h := []byte{flags | 0x02, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint64(h[1:], size)
	return h
}

func TestGuardScan(t *testing.T) {
	body := make([]byte, 300)
	ok := append(greeting(), 0x01, 3, 'a', 'b', 'c') // short frame, MORE
	ok = append(ok, longHeader(0, 300)...)           // long last frame
	ok = append(ok, body...)
	// Any split into reads must give the same verdict.
	for _, step := range []int{1, 2, 7, 64, len(ok)} {
		c := &guardConn{skip: zmtpGreeting}
		for i := 0; i < len(ok); i += step {
			if err := c.scan(ok[i:min(i+step, len(ok))]); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
		}
		if c.skip != 0 || c.hdr != nil || c.frames != 0 {
			t.Errorf("step %d: state %+v after a whole message", step, c)
		}
	}

	huge := append(greeting(), longHeader(0x04, 1<<62)...) // a command
	for _, step := range []int{1, 3, len(huge)} {
		c := &guardConn{skip: zmtpGreeting}
		var err error
		for i := 0; i < len(huge) && err == nil; i += step {
			err = c.scan(huge[i:min(i+step, len(huge))])
		}
		if !errors.Is(err, errFrameLimit) {
			t.Errorf("step %d: huge frame gave %v", step, err)
		}
	}

	many := greeting()
	for range maxMessageFrames + 1 {
		many = append(many, 0x01, 0)
	}
	if err := (&guardConn{skip: zmtpGreeting}).scan(many); !errors.Is(err, errFrameLimit) {
		t.Errorf("endless message gave %v", err)
	}
}

// A crafted frame length crashes zmq4 unguarded; the kernel must drop the
// connection and keep serving.
func TestHugeFrameDoesNotCrashTheKernel(t *testing.T) {
	_, conn := startKernel(t, newFakeSession())
	raw, err := net.Dial("tcp", net.JoinHostPort(conn.IP, strconv.Itoa(conn.ShellPort)))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Write(append(greeting(), longHeader(0x04, 1<<62)...)); err != nil {
		t.Fatal(err)
	}
	// The kernel closes the connection.
	if err := raw.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 256)
	for {
		if _, err := raw.Read(buf); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the kernel kept the connection open")
			}
			break
		}
	}
	c := connect(t, conn)
	c.ready()
}
