package magics

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/compute"
)

func init() {
	Register(Magic{
		Name:    "backend",
		Usage:   "%backend [CONFIG]",
		Summary: "show GoMLX's backend and devices, or switch it (go, xla:cpu, xla:cuda, xla:/path/plugin.so)",
		Help: `Without CONFIG, shows the backend new models get from compute.MustNew() and its devices.
With CONFIG, checks that the backend loads, then makes it the default for models built
afterwards (GOMLX_BACKEND). Models built earlier keep their backend.

  go                 GoMLX's pure-Go backend: works everywhere (the default)
  xla:cpu            XLA on the CPU through a PJRT plugin
  xla:cuda           XLA on NVIDIA GPUs through a PJRT plugin
  xla:/abs/path.so   XLA with the given PJRT plugin file

XLA needs a PJRT plugin: pjrt_c_api_<name>_plugin.so in ~/.local/lib/go-xla or
/usr/local/lib/go-xla, or in the folder named by PJRT_PLUGIN_LIBRARY_PATH. With
internet access GoMLX installs plugins itself unless GOMLX_NO_AUTO_INSTALL=1.`,
		Line: backendMagic,
	})
}

func backendMagic(env Env, args string) error {
	config := strings.TrimSpace(args)
	if config == "" {
		current := os.Getenv(compute.ConfigEnvVar)
		if current == "" {
			current = compute.DefaultConfig
		}
		b, err := newBackend(current)
		if err != nil {
			return fmt.Errorf("backend %q does not load: %v%s", current, err, BackendHint(err.Error()))
		}
		defer b.Finalize()
		describeBackend(env, current, b)
		fmt.Fprintf(env.Stdout(), "registered backends: %s\n", strings.Join(compute.List(), ", "))
		return nil
	}
	b, err := newBackend(config)
	if err != nil {
		return fmt.Errorf("backend %q does not load, so the backend stays %q: %v%s", config, os.Getenv(compute.ConfigEnvVar), err, BackendHint(err.Error()))
	}
	defer b.Finalize()
	if err := os.Setenv(compute.ConfigEnvVar, config); err != nil {
		return err
	}
	describeBackend(env, config, b)
	fmt.Fprintln(env.Stdout(), "models built from now on (compute.MustNew()) use this backend")
	return nil
}

// newBackend creates a backend; GoMLX panics on unknown names, which here
// is an error like any other.
func newBackend(config string) (b compute.Backend, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return compute.NewWithConfig(config)
}

func describeBackend(env Env, config string, b compute.Backend) {
	w := env.Stdout()
	fmt.Fprintf(w, "backend: %s (GOMLX_BACKEND=%s)\n", b.Name(), config)
	if d := b.Description(); d != "" && d != b.Name() {
		fmt.Fprintf(w, "  %s\n", d)
	}
	for i := 0; i < b.NumDevices(); i++ {
		fmt.Fprintf(w, "  device %d: %s\n", i, b.DeviceDescription(compute.DeviceNum(i)))
	}
}

// BackendHint explains how to fix a backend that failed to load, given its
// error text; "" when the error is not about a missing PJRT plugin.
func BackendHint(msg string) string {
	lower := strings.ToLower(msg)
	if !strings.Contains(lower, "plugin") && !strings.Contains(lower, "pjrt") && !strings.Contains(lower, "can't find backend") {
		return ""
	}
	missing := ""
	if cfg := os.Getenv(compute.ConfigEnvVar); strings.HasPrefix(cfg, "xla:") && !strings.Contains(cfg, "/") {
		name, _, _ := strings.Cut(strings.TrimPrefix(cfg, "xla:"), ",")
		missing = "\nGOMLX_BACKEND=" + cfg + " needs the PJRT plugin pjrt_c_api_" + name + "_plugin.so, which was not found."
	}
	return missing + "\n\nHow to fix it:\n" +
		"  - switch to GoMLX's pure-Go backend, which needs nothing: %backend go\n" +
		"  - or install a PJRT plugin: put pjrt_c_api_<name>_plugin.so (e.g. pjrt_c_api_cpu_plugin.so) in\n" +
		"    ~/.local/lib/go-xla or /usr/local/lib/go-xla, or set PJRT_PLUGIN_LIBRARY_PATH to its folder,\n" +
		"    or name the file: %backend xla:/absolute/path/plugin.so\n" +
		"    (for the CPU: pip install xla-cpu-pjrt, then %backend xla:/.../site-packages/xla_plugins/xla_cpu_pjrt/xla_cpu_pjrt.so)\n" +
		"  - with internet access GoMLX downloads plugins itself; GOMLX_NO_AUTO_INSTALL=1 turns that off\n" +
		"    (it is set now: " + envOr("GOMLX_NO_AUTO_INSTALL", "no") + ")"
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
