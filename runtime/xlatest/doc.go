// Package xlatest runs GoMLX code on XLA's CPU backend (a PJRT plugin) and
// compares it with GoMLX's pure-Go backend: training through a yaegi
// interpreter loaded with the worker's tables, results that must agree,
// the errors users see when a plugin is missing, and training-step
// benchmarks. Tests that need the plugin skip without it, unless
// IGO_TEST_XLA=required (CI), where its absence fails them.
package xlatest
