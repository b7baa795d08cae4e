package kernel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// zmq4 allocates whatever length a ZMTP frame header announces, so one
// crafted header from any local process would crash the kernel. The kernel
// binds through these transports instead of zmq4's own: they are the same
// tcp and ipc, with each incoming connection checked frame by frame and cut
// when a frame or a message is absurdly large.
const (
	guardedTCP = "igo-tcp"
	guardedIPC = "igo-ipc"

	maxFrameBytes    = 1 << 30          // one frame (a large binary buffer fits)
	maxMessageFrames = maxFrames + 1024 // frames of one message, commands included
	zmtpGreeting     = 64               // bytes of the ZMTP 3 greeting
)

var errFrameLimit = errors.New("ZMTP peer exceeded the frame limits")

func init() {
	for name, network := range map[string]string{guardedTCP: "tcp", guardedIPC: "unix"} {
		if err := zmq4.RegisterTransport(name, guardTransport{transport.New(network)}); err != nil {
			panic(err)
		}
	}
}

// guardTransport is a zmq4 transport whose listeners guard their conns.
type guardTransport struct {
	transport.Transport
}

func (g guardTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := g.Transport.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	return guardListener{l}, nil
}

type guardListener struct {
	net.Listener
}

func (l guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &guardConn{Conn: c, skip: zmtpGreeting}, nil
}

// guardConn follows the ZMTP 3 framing of what it reads (flags byte, one
// or eight length bytes, body) and fails the read that would hand zmq4 a
// length above the limits; zmq4 then drops the connection.
type guardConn struct {
	net.Conn
	skip   uint64  // bytes to pass through: greeting or frame body
	hdr    []byte  // the frame header read so far
	frames int     // frames of the current message
	err    error   // sticky once the limits were exceeded
	lenBuf [9]byte // backing store for hdr
}

func (c *guardConn) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.Conn.Read(p)
	if serr := c.scan(p[:n]); serr != nil {
		c.err = serr
		c.Conn.Close()
		return 0, serr
	}
	return n, err
}

// scan advances the framing state over b.
func (c *guardConn) scan(b []byte) error {
	for len(b) > 0 {
		if c.skip > 0 {
			k := min(c.skip, uint64(len(b)))
			c.skip -= k
			b = b[k:]
			continue
		}
		if c.hdr == nil {
			c.hdr = c.lenBuf[:0]
		}
		c.hdr = append(c.hdr, b[0])
		b = b[1:]
		flags := c.hdr[0]
		need := 2
		if flags&0x02 != 0 { // long frame: 8 length bytes
			need = 9
		}
		if len(c.hdr) < need {
			continue
		}
		var size uint64
		if need == 2 {
			size = uint64(c.hdr[1])
		} else {
			size = binary.BigEndian.Uint64(c.hdr[1:9])
		}
		c.hdr = nil
		if size > maxFrameBytes {
			return fmt.Errorf("%w: a frame of %d bytes", errFrameLimit, size)
		}
		if c.frames++; c.frames > maxMessageFrames {
			return fmt.Errorf("%w: more than %d frames in a message", errFrameLimit, maxMessageFrames)
		}
		if flags&0x01 == 0 { // no MORE flag: the message ends with this frame
			c.frames = 0
		}
		c.skip = size
	}
	return nil
}
