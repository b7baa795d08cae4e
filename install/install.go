// Package install writes IGo's Jupyter kernelspec (kernel.json and logos)
// into the data directories where Jupyter looks for kernels, and removes it
// again. It follows Jupyter's own rules for those directories, so that
// `jupyter kernelspec list` finds what it installs.
package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// Defaults for Options' empty fields.
const (
	DefaultName        = "igo"
	DefaultDisplayName = "Go (IGo)"
)

// Options says where to install. The zero value installs "igo" into the
// user's Jupyter data directory.
type Options struct {
	// Prefix, when set, installs into Prefix/share/jupyter/kernels/NAME.
	Prefix string
	// SysPrefix installs into the sys.prefix of the Python environment
	// that has Jupyter (VIRTUAL_ENV, CONDA_PREFIX or python3's sys.prefix).
	SysPrefix bool
	// Name is the kernelspec's directory name; "igo" when empty.
	Name string
	// DisplayName is what Jupyter's launcher shows; "Go (IGo)" when empty.
	DisplayName string
	// Env is added to the kernel's environment by Jupyter when it starts it.
	Env map[string]string
}

// KernelSpec is the content of kernel.json.
type KernelSpec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata"`
}

// Jupyter accepts kernel names made of these characters only.
var validName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// ErrNotInstalled is returned by Uninstall when there is nothing to remove.
var ErrNotInstalled = errors.New("kernelspec is not installed")

// environment is what path resolution reads from the outside world; tests
// replace it to check every platform's rules on any machine.
type environment struct {
	goos    string
	getenv  func(string) string
	homeDir func() (string, error)
	// pythonPrefix asks a Python interpreter for its sys.prefix.
	pythonPrefix func() (string, error)
}

func hostEnvironment() environment {
	return environment{
		goos:         runtime.GOOS,
		getenv:       os.Getenv,
		homeDir:      os.UserHomeDir,
		pythonPrefix: askPythonPrefix,
	}
}

// askPythonPrefix runs python3 (or python) to learn its sys.prefix.
func askPythonPrefix() (string, error) {
	var tried []string
	for _, py := range []string{"python3", "python"} {
		path, err := exec.LookPath(py)
		if err != nil {
			tried = append(tried, py+": not found")
			continue
		}
		out, err := exec.Command(path, "-c", "import sys; print(sys.prefix)").Output()
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s: %v", path, err))
			continue
		}
		if p := strings.TrimSpace(string(out)); p != "" {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Python found to tell sys.prefix (%s); activate the environment that has Jupyter or use --prefix", strings.Join(tried, "; "))
}

func (o Options) name() string {
	if o.Name == "" {
		return DefaultName
	}
	return o.Name
}

func (o Options) displayName() string {
	if o.DisplayName == "" {
		return DefaultDisplayName
	}
	return o.DisplayName
}

// KernelDir returns the directory the kernelspec is (or would be) installed in.
func KernelDir(opts Options) (string, error) {
	return kernelDir(opts, hostEnvironment())
}

func kernelDir(opts Options, env environment) (string, error) {
	name := opts.name()
	if !validName.MatchString(name) {
		return "", fmt.Errorf("install: invalid kernel name %q: use letters, digits, '.', '_' and '-' only", name)
	}
	if opts.Prefix != "" && opts.SysPrefix {
		return "", errors.New("install: choose either a prefix or the sys-prefix, not both")
	}
	data, err := dataDir(opts, env)
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "kernels", name), nil
}

// dataDir returns the Jupyter data directory that Options designates.
func dataDir(opts Options, env environment) (string, error) {
	switch {
	case opts.Prefix != "":
		p, err := filepath.Abs(opts.Prefix)
		if err != nil {
			return "", fmt.Errorf("install: prefix %q: %w", opts.Prefix, err)
		}
		return filepath.Join(p, "share", "jupyter"), nil
	case opts.SysPrefix:
		p, err := sysPrefix(env)
		if err != nil {
			return "", err
		}
		return filepath.Join(p, "share", "jupyter"), nil
	default:
		return userDataDir(env)
	}
}

// sysPrefix finds the prefix of the active Python environment.
func sysPrefix(env environment) (string, error) {
	for _, v := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := env.getenv(v); p != "" {
			return p, nil
		}
	}
	p, err := env.pythonPrefix()
	if err != nil {
		return "", fmt.Errorf("install: --sys-prefix: %w", err)
	}
	return p, nil
}

// userDataDir follows jupyter_core's jupyter_data_dir().
func userDataDir(env environment) (string, error) {
	if d := env.getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	if env.goos == "windows" {
		if appdata := env.getenv("APPDATA"); appdata != "" {
			return filepath.Join(appdata, "jupyter"), nil
		}
	}
	home, err := env.homeDir()
	if err != nil || home == "" {
		return "", fmt.Errorf("install: cannot find the home directory (%v); set JUPYTER_DATA_DIR or use --prefix", err)
	}
	switch env.goos {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		return filepath.Join(home, ".jupyter", "data"), nil
	}
	if xdg := env.getenv("XDG_DATA_HOME"); xdg != "" {
		return filepath.Join(xdg, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// Spec returns the kernel.json content for binaryPath, which must be absolute.
func Spec(binaryPath string, opts Options) KernelSpec {
	return KernelSpec{
		Argv:          []string{binaryPath, "kernel", "{connection_file}"},
		DisplayName:   opts.displayName(),
		Language:      "go",
		InterruptMode: "message",
		Env:           opts.Env,
		Metadata:      map[string]any{"debugger": false},
	}
}

// Install writes the kernelspec for the igo binary at binaryPath and returns
// the directory it wrote. An earlier installation there is replaced.
func Install(binaryPath string, opts Options) (dir string, err error) {
	return install(binaryPath, opts, hostEnvironment())
}

func install(binaryPath string, opts Options, env environment) (string, error) {
	bin, err := filepath.Abs(binaryPath)
	if err != nil {
		return "", fmt.Errorf("install: binary path %q: %w", binaryPath, err)
	}
	if st, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("install: kernel binary: %w", err)
	} else if st.IsDir() {
		return "", fmt.Errorf("install: kernel binary %s is a directory", bin)
	}
	dir, err := kernelDir(opts, env)
	if err != nil {
		return "", err
	}
	files, err := specFiles(Spec(bin, opts))
	if err != nil {
		return "", err
	}

	// Write into a fresh sibling directory and swap it in, so that a failed
	// install never leaves a half-written kernelspec, and a re-install
	// leaves no stale files behind.
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+"-new-")
	if err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	defer os.RemoveAll(tmp) // no-op once renamed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), content, 0o644); err != nil {
			return "", fmt.Errorf("install: %w", err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("install: removing the old kernelspec: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	return dir, nil
}

// specFiles returns the kernelspec directory's files by name.
func specFiles(spec KernelSpec) (map[string][]byte, error) {
	js, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("install: kernel.json: %w", err)
	}
	files := map[string][]byte{
		"kernel.json":  append(js, '\n'),
		"logo-svg.svg": LogoSVG(),
	}
	for _, size := range []int{32, 64} {
		png, err := LogoPNG(size)
		if err != nil {
			return nil, err
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = png
	}
	return files, nil
}

// Uninstall removes the kernelspec and returns the directory it removed. It
// returns an error wrapping ErrNotInstalled when there is none.
func Uninstall(opts Options) (dir string, err error) {
	return uninstall(opts, hostEnvironment())
}

func uninstall(opts Options, env environment) (string, error) {
	dir, err := kernelDir(opts, env)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); errors.Is(err, os.ErrNotExist) {
		return dir, fmt.Errorf("install: %w at %s", ErrNotInstalled, dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return dir, fmt.Errorf("install: %w", err)
	}
	return dir, nil
}
