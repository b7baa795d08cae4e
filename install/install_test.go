package install

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBinary creates an executable file standing in for the igo binary.
func fakeBinary(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "igo")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeEnv returns an environment with the given variables, home and Python.
func fakeEnv(goos, home string, vars map[string]string, python func() (string, error)) environment {
	if python == nil {
		python = func() (string, error) { return "", errors.New("no python in this test") }
	}
	return environment{
		goos:         goos,
		getenv:       func(k string) string { return vars[k] },
		homeDir:      func() (string, error) { return home, nil },
		pythonPrefix: python,
	}
}

func readSpec(t *testing.T, dir string) KernelSpec {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec KernelSpec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		t.Fatalf("kernel.json does not decode: %v\n%s", err, raw)
	}
	return spec
}

func TestUserDataDirRules(t *testing.T) {
	cases := []struct {
		name, goos, home string
		vars             map[string]string
		want             string
	}{
		{"linux default", "linux", "/h", nil, "/h/.local/share/jupyter"},
		{"linux xdg", "linux", "/h", map[string]string{"XDG_DATA_HOME": "/x"}, "/x/jupyter"},
		{"override wins", "linux", "/h", map[string]string{"XDG_DATA_HOME": "/x", "JUPYTER_DATA_DIR": "/j"}, "/j"},
		{"macos", "darwin", "/Users/u", map[string]string{"XDG_DATA_HOME": "/x"}, "/Users/u/Library/Jupyter"},
		{"macos override", "darwin", "/Users/u", map[string]string{"JUPYTER_DATA_DIR": "/j"}, "/j"},
		{"windows appdata", "windows", "/h", map[string]string{"APPDATA": "/a"}, "/a/jupyter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := kernelDir(Options{}, fakeEnv(c.goos, c.home, c.vars, nil))
			if err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(filepath.FromSlash(c.want), "kernels", "igo")
			if got != want {
				t.Errorf("kernelDir = %q, want %q", got, want)
			}
		})
	}
}

func TestSysPrefixRules(t *testing.T) {
	python := func() (string, error) { return "/py", nil }
	cases := []struct {
		name   string
		vars   map[string]string
		python func() (string, error)
		want   string
	}{
		{"virtualenv", map[string]string{"VIRTUAL_ENV": "/venv", "CONDA_PREFIX": "/conda"}, python, "/venv"},
		{"conda", map[string]string{"CONDA_PREFIX": "/conda"}, python, "/conda"},
		{"python", nil, python, "/py"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := kernelDir(Options{SysPrefix: true}, fakeEnv("linux", "/h", c.vars, c.python))
			if err != nil {
				t.Fatal(err)
			}
			want := filepath.Join(filepath.FromSlash(c.want), "share", "jupyter", "kernels", "igo")
			if got != want {
				t.Errorf("kernelDir = %q, want %q", got, want)
			}
		})
	}
	_, err := kernelDir(Options{SysPrefix: true}, fakeEnv("linux", "/h", nil, nil))
	if err == nil || !strings.Contains(err.Error(), "sys-prefix") {
		t.Errorf("without any Python, want a --sys-prefix error, got %v", err)
	}
}

func TestOptionsRejected(t *testing.T) {
	env := fakeEnv("linux", "/h", nil, nil)
	if _, err := kernelDir(Options{Prefix: "/p", SysPrefix: true}, env); err == nil {
		t.Error("prefix and sys-prefix together: want an error")
	}
	for _, bad := range []string{"a b", "../x", "x/y", "é"} {
		if _, err := kernelDir(Options{Name: bad}, env); err == nil {
			t.Errorf("name %q: want an error", bad)
		}
	}
}

func TestInstallWithJupyterDataDir(t *testing.T) {
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	bin := fakeBinary(t)

	dir, err := Install(bin, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "kernels", "igo"); dir != want {
		t.Fatalf("Install dir = %q, want %q", dir, want)
	}
	if kd, err := KernelDir(Options{}); err != nil || kd != dir {
		t.Errorf("KernelDir = %q, %v; want %q", kd, err, dir)
	}
	spec := readSpec(t, dir)
	wantArgv := []string{bin, "kernel", "{connection_file}"}
	if strings.Join(spec.Argv, "\x00") != strings.Join(wantArgv, "\x00") {
		t.Errorf("argv = %q, want %q", spec.Argv, wantArgv)
	}
	if spec.DisplayName != "Go (IGo)" || spec.Language != "go" || spec.InterruptMode != "message" {
		t.Errorf("spec = %+v", spec)
	}
	if v, ok := spec.Metadata["debugger"]; !ok || v != false {
		t.Errorf("metadata = %v, want debugger false", spec.Metadata)
	}
	if spec.Env != nil {
		t.Errorf("env = %v, want none", spec.Env)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "kernel.json logo-32x32.png logo-64x64.png logo-svg.svg" {
		t.Errorf("files = %s", got)
	}
}

func TestInstallPrefixNameEnvAndRelativeBinary(t *testing.T) {
	prefix := t.TempDir()
	bin := fakeBinary(t)
	// A relative binary path must end up absolute in kernel.json.
	t.Chdir(filepath.Dir(bin))
	dir, err := Install("igo", Options{Prefix: prefix, Name: "igo-dev", DisplayName: "Go (dev)", Env: map[string]string{"GOMLX_BACKEND": "go"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(prefix, "share", "jupyter", "kernels", "igo-dev"); dir != want {
		t.Fatalf("dir = %q, want %q", dir, want)
	}
	spec := readSpec(t, dir)
	if !filepath.IsAbs(spec.Argv[0]) || filepath.Base(spec.Argv[0]) != "igo" {
		t.Errorf("argv[0] = %q, want the absolute binary path", spec.Argv[0])
	}
	if spec.DisplayName != "Go (dev)" || spec.Env["GOMLX_BACKEND"] != "go" {
		t.Errorf("spec = %+v", spec)
	}
}

func TestInstallMissingBinary(t *testing.T) {
	prefix := t.TempDir()
	if _, err := Install(filepath.Join(prefix, "nope"), Options{Prefix: prefix}); err == nil {
		t.Fatal("want an error for a missing binary")
	}
	if _, err := os.Stat(filepath.Join(prefix, "share")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed install wrote something: %v", err)
	}
}

func TestReinstallOverwritesCleanly(t *testing.T) {
	prefix := t.TempDir()
	bin := fakeBinary(t)
	dir, err := Install(bin, Options{Prefix: prefix, DisplayName: "old"})
	if err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "stale.txt")
	if err := os.WriteFile(stale, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir2, err := Install(bin, Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if dir2 != dir {
		t.Fatalf("re-install went to %q, first to %q", dir2, dir)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Error("re-install left a stale file behind")
	}
	if spec := readSpec(t, dir); spec.DisplayName != "Go (IGo)" {
		t.Errorf("display name after re-install = %q", spec.DisplayName)
	}
	// No temporary directories left next to it.
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("kernels dir holds %d entries, want 1", len(entries))
	}
}

func TestUninstall(t *testing.T) {
	prefix := t.TempDir()
	opts := Options{Prefix: prefix}
	if _, err := Uninstall(opts); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("uninstall before install: err = %v, want ErrNotInstalled", err)
	}
	dir, err := Install(fakeBinary(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := Uninstall(opts)
	if err != nil {
		t.Fatal(err)
	}
	if removed != dir {
		t.Errorf("removed %q, installed %q", removed, dir)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("kernelspec still there: %v", err)
	}
	if _, err := Uninstall(opts); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("second uninstall: err = %v, want ErrNotInstalled", err)
	}
}

func TestLogoPNGs(t *testing.T) {
	dir, err := Install(fakeBinary(t), Options{Prefix: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{32, 64} {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("logo-%dx%d.png", size, size)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%d px logo: %v", size, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("logo is %v, want %d×%d", b, size, size)
		}
		// Corners are transparent (rounded), the middle of the I is
		// white and the background between letters is gopher blue.
		at := func(x, y float64) (r, g, b, a uint32) {
			return img.At(int(x*float64(size)/64), int(y*float64(size)/64)).RGBA()
		}
		if _, _, _, a := at(0, 0); a != 0 {
			t.Errorf("%d px: corner alpha %d, want 0", size, a)
		}
		if r, g, b, a := at(iLeft+stroke/2+0.5, (iTop+iBottom)/2); r>>8 != 255 || g>>8 != 255 || b>>8 != 255 || a>>8 != 255 {
			t.Errorf("%d px: I is %d,%d,%d,%d, want white", size, r>>8, g>>8, b>>8, a>>8)
		}
		if r, g, b, a := at(32, 56); r>>8 != 0 || g>>8 != 0xAD || b>>8 != 0xD8 || a>>8 != 255 {
			t.Errorf("%d px: background is %d,%d,%d,%d, want #00ADD8", size, r>>8, g>>8, b>>8, a>>8)
		}
	}
	if _, err := LogoPNG(0); err == nil {
		t.Error("LogoPNG(0): want an error")
	}
}

func TestLogoSVG(t *testing.T) {
	svg := string(LogoSVG())
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg"`, `viewBox="0 0 64 64"`, "#00ADD8", "</svg>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(svg, "%!") {
		t.Errorf("SVG has a formatting error:\n%s", svg)
	}
	// It must be well-formed XML.
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v\n%s", err, svg)
		}
	}
}
