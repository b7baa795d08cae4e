// Command igo is IGo, a Jupyter kernel for Go: it interprets Go cells with
// yaegi, keeps state between cells and brings GoMLX to notebooks.
//
//	igo install [--user | --sys-prefix | --prefix DIR]   register the kernel with Jupyter
//	igo uninstall [--sys-prefix | --prefix DIR]          remove it
//	igo kernel CONNECTION_FILE                           serve a notebook (Jupyter starts this)
//	igo run FILE.go [ARGS...]                            run a Go program through the interpreter
//	igo version                                          print versions
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	goruntime "runtime"
	"syscall"

	"github.com/igo-kernel/igo/install"
	"github.com/igo-kernel/igo/kernel"
	"github.com/igo-kernel/igo/runtime"
)

// Version is IGo's version.
const Version = "0.1.0"

const usage = `igo — a Jupyter kernel for Go (IGo %s, %s)

Usage:
  igo install [--user | --sys-prefix | --prefix DIR]  register the kernel with Jupyter
  igo uninstall [--sys-prefix | --prefix DIR]         remove the kernel from Jupyter
  igo kernel CONNECTION_FILE                          serve one notebook (Jupyter runs this)
  igo run FILE.go [ARGS...]                           run a Go program through the interpreter
  igo version                                         print the versions
  igo help                                            this text

After "igo install", pick "Go (IGo)" in JupyterLab's launcher. In a cell,
%%help lists the magics.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintf(os.Stderr, usage, Version, goruntime.Version())
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "kernel":
		err = runKernel(args)
	case "worker":
		err = runtime.RunWorker()
	case "install":
		err = runInstall(args, false)
	case "uninstall":
		err = runInstall(args, true)
	case "run":
		if len(args) == 0 {
			err = errors.New("usage: igo run FILE.go [ARGS...]")
			break
		}
		os.Exit(runtime.RunFile(args[0], args[1:]))
	case "version", "--version":
		fmt.Printf("igo %s (%s)\n", Version, goruntime.Version())
	case "help", "-h", "--help":
		fmt.Printf(usage, Version, goruntime.Version())
	default:
		err = fmt.Errorf("unknown command %q; run \"igo help\"", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "igo:", err)
		os.Exit(1)
	}
}

func runKernel(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: igo kernel CONNECTION_FILE (Jupyter passes the file)")
	}
	conn, err := kernel.ReadConnectionFile(args[0])
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	sess, err := runtime.NewSession(runtime.Options{})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		for sig := range signals {
			if sig == os.Interrupt {
				sess.Interrupt() // SIGINT interrupts the cell, as in ipykernel
				continue
			}
			cancel()
		}
	}()
	info := kernel.Info{
		Implementation:        "igo",
		ImplementationVersion: Version,
		LanguageVersion:       goruntime.Version()[2:],
		Banner:                fmt.Sprintf("IGo %s — Go %s interpreted by yaegi, with GoMLX. %%help lists the magics.", Version, goruntime.Version()[2:]),
		HelpLinks: []kernel.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "GoMLX documentation", URL: "https://pkg.go.dev/github.com/gomlx/gomlx"},
		},
	}
	err = kernel.Run(ctx, conn, info, sess, log)
	sess.Close()
	return err
}

func runInstall(args []string, remove bool) error {
	name := "install"
	if remove {
		name = "uninstall"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	user := fs.Bool("user", false, "install for the current user (the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the active Python environment (sys.prefix)")
	prefix := fs.String("prefix", "", "install into `DIR`/share/jupyter/kernels")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_ = user
	opts := install.Options{Prefix: *prefix, SysPrefix: *sysPrefix}
	if remove {
		dir, err := install.Uninstall(opts)
		if err != nil {
			return err
		}
		fmt.Println("removed the IGo kernel from", dir)
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := install.Install(exe, opts)
	if err != nil {
		return err
	}
	fmt.Printf("installed the IGo kernel (\"Go (IGo)\") in %s\n", dir)
	return nil
}
