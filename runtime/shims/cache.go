package shims

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/janpfeifer/gonb/cache"
)

// GoNB's cache.Cache[T] and CacheWith[T] take T from fn's result; the shims
// read it from fn's dynamic type, and store and load values the way GoNB
// does (cache.Serializable, else encoding/gob, in the same files), so
// values cached by GoNB and by IGo are interchangeable.
func init() {
	register(pkgCache, map[string]any{
		"Cache":     CacheDefault,
		"CacheWith": CacheWith,
	})
}

// CacheDefault shims cache.Cache: CacheWith on cache.Default.
func CacheDefault(key string, fn any) any { return CacheWith(cache.Default, key, fn) }

// CacheWith shims cache.CacheWith: fn is a func() T. The value saved under
// key is loaded if there is one; otherwise fn's result is saved and
// returned. An empty key bypasses the cache. Errors panic (GoNB's own
// code would log.Fatal).
func CacheWith(s *cache.Storage, key string, fn any) any {
	fv := reflect.ValueOf(fn)
	if fv.Kind() != reflect.Func || fv.Type().NumIn() != 0 || fv.Type().NumOut() != 1 {
		panic(fmt.Sprintf("cache.CacheWith: fn must be a func() T, got %T", fn))
	}
	if key == "" {
		return fv.Call(nil)[0].Interface()
	}
	r, err := s.Reader(key)
	switch {
	case err == nil:
		v, err := loadCached(r, fv.Type().Out(0))
		if c, ok := r.(io.Closer); ok {
			c.Close()
		}
		cacheOK(err)
		return v
	case errors.Is(err, os.ErrNotExist):
		v := fv.Call(nil)[0].Interface()
		cacheOK(s.Save(key, v))
		return v
	default:
		cacheOK(err)
		return nil
	}
}

// cacheOK panics with err: GoNB's AssertNoError would log.Fatal, ending
// the worker and the session with it; a panic fails only the cell.
func cacheOK(err error) {
	if err != nil {
		panic(fmt.Errorf("cache: %w", err))
	}
}

// loadCached decodes a value of type t as GoNB's cache package does.
func loadCached(r io.Reader, t reflect.Type) (any, error) {
	zero := reflect.New(t).Elem()
	if ser, ok := zero.Interface().(cache.Serializable); ok {
		v, err := ser.CacheDeserialize(r)
		if err != nil {
			return nil, fmt.Errorf("failed to CacheDeserialize: %w", err)
		}
		return v, nil
	}
	ptr := reflect.New(t)
	if err := gob.NewDecoder(r).DecodeValue(ptr); err != nil {
		return nil, fmt.Errorf("cached value does not decode as %s: %w (cache.ResetKey forgets it)", t, err)
	}
	return ptr.Elem().Interface(), nil
}
