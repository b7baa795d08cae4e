package shims

import "reflect"

const pkgKlog = "k8s.io/klog/v2/klog"

func init() {
	register(pkgKlog, map[string]any{"SafePtr": SafePtr})
}

// SafePtr shims klog.SafePtr: p is a *T; a nil one becomes a nil any.
func SafePtr(p any) any {
	if v := reflect.ValueOf(p); !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	return p
}
