// Package xlatest runs GoMLX code on XLA's CPU backend (a PJRT plugin) and
// compares it with GoMLX's pure-Go backend: training through a yaegi
// interpreter loaded with the worker's tables, results that must agree,
// the errors users see when a plugin is missing, and training-step
// benchmarks. Tests that need the plugin skip without it, unless
// IGO_TEST_XLA=required (CI), where its absence fails them.
// IGO_XLA_CONFIG=xla:cuda (or any GOMLX_BACKEND value) points them at
// another XLA backend; gpu_check.sh does that on a machine with a GPU.
package xlatest
