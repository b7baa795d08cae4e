// Package gomlxtest runs GoMLX code, written as GoMLX's docs write it, through
// a bare yaegi interpreter loaded with yaegi's stdlib, runtime/symbols and
// runtime/shims — the same tables the worker uses.
package gomlxtest
