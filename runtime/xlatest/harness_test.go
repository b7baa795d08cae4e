package xlatest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomlx/go-xla/compute/xla"
	"github.com/gomlx/go-xla/pjrt"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/igo-kernel/igo/runtime/shims"
	"github.com/igo-kernel/igo/runtime/symbols"

	// The backends a notebook gets: GoMLX's default set (pure-Go and XLA).
	_ "github.com/gomlx/gomlx/backends/default"
)

// requiredEnv, set to "required", turns a missing plugin from a skip into a
// failure: CI installs the plugin and must notice when it stops loading.
const requiredEnv = "IGO_TEST_XLA"

// configEnv names another XLA backend for the tests and benchmarks to use
// instead of the CPU plugin, e.g. IGO_XLA_CONFIG=xla:cuda (gpu_check.sh).
const configEnv = "IGO_XLA_CONFIG"

// wheelPlugin is where PyPI's xla-cpu-pjrt wheel puts the plugin, relative
// to a virtual environment.
const wheelPlugin = "lib/python3*/site-packages/xla_plugins/xla_cpu_pjrt/xla_cpu_pjrt.so"

func TestMain(m *testing.M) {
	// Tests never download: a plugin is either installed or absent.
	xla.EnableAutoInstall(false)
	os.Exit(m.Run())
}

// xlaConfig returns the GOMLX_BACKEND value of the XLA backend under test:
// IGO_XLA_CONFIG when set, else cpuConfig.
func xlaConfig() string {
	if config := os.Getenv(configEnv); config != "" {
		return config
	}
	return cpuConfig()
}

// cpuConfig returns the GOMLX_BACKEND value that reaches XLA's CPU plugin:
// "xla:cpu" when go-xla's search finds one, else the absolute path of the
// wheel's plugin in the repository's .venv; "" when there is none.
func cpuConfig() string {
	// go-xla reads these at init, unseen by go test's cache: read them
	// again so that changing them reruns the tests.
	os.LookupEnv(pjrt.PJRTPluginPathsEnv)
	os.LookupEnv("LD_LIBRARY_PATH")
	if slices.Contains(xla.GetAvailablePlugins(), "cpu") {
		return "xla:cpu"
	}
	if root := moduleRoot(); root != "" {
		if found, _ := filepath.Glob(filepath.Join(root, ".venv", wheelPlugin)); len(found) > 0 {
			return "xla:" + found[0]
		}
	}
	return ""
}

// benchConfigs are the backends benchmarks compare: the Go backend, XLA's
// CPU plugin when present, and the XLA backend under test if another.
func benchConfigs() []string {
	configs := []string{"go"}
	for _, c := range []string{cpuConfig(), xlaConfig()} {
		if c != "" && !slices.Contains(configs, c) {
			configs = append(configs, c)
		}
	}
	return configs
}

// needXLA returns xlaConfig, or skips the test (fails it under
// IGO_TEST_XLA=required) when there is no plugin.
func needXLA(tb testing.TB) string {
	tb.Helper()
	config := xlaConfig()
	if config != "" {
		return config
	}
	msg := "no XLA CPU plugin: pip install xla-cpu-pjrt into .venv, or put pjrt_c_api_cpu_plugin.so in PJRT_PLUGIN_LIBRARY_PATH"
	if os.Getenv(requiredEnv) == "required" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// moduleRoot is the nearest folder above the working directory holding a
// go.mod; "" when there is none.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// interpret runs a `package main` program in a yaegi interpreter loaded with
// the worker's tables and returns what it printed.
func interpret(t *testing.T, src string) string {
	t.Helper()
	var out bytes.Buffer
	i := interp.New(interp.Options{Stdout: &out, Stderr: &out})
	for _, exports := range []interp.Exports{stdlib.Symbols, symbols.Symbols, shims.Symbols} {
		if err := i.Use(exports); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := i.Eval(src); err != nil {
		t.Fatalf("interpreting failed: %v\noutput:\n%s", err, out.String())
	}
	return out.String()
}
