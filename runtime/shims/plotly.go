package shims

import (
	"fmt"
	"reflect"

	"github.com/MetalBlueberry/go-plotly/pkg/types"
)

const pkgPlotlyTypes = "github.com/MetalBlueberry/go-plotly/pkg/types/types"

func init() {
	register(pkgPlotlyTypes, map[string]any{"DataArray": DataArray})
}

// DataArray shims go-plotly's types.DataArray: data is a []T. Common
// element types keep their slice; others become a []any of the same
// values (what plotly receives, as JSON, is the same).
func DataArray(data any) *types.DataArrayType {
	switch d := data.(type) {
	case []float64:
		return types.DataArray(d)
	case []float32:
		return types.DataArray(d)
	case []int:
		return types.DataArray(d)
	case []int64:
		return types.DataArray(d)
	case []int32:
		return types.DataArray(d)
	case []string:
		return types.DataArray(d)
	case []bool:
		return types.DataArray(d)
	case []any:
		return types.DataArray(d)
	}
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		panic(fmt.Sprintf("types.DataArray: want a slice, got %T", data))
	}
	elems := make([]any, v.Len())
	for i := range elems {
		elems[i] = v.Index(i).Interface()
	}
	return types.DataArray(elems)
}
