package shims

import (
	"encoding/json"
	"fmt"

	"github.com/MetalBlueberry/go-plotly/pkg/types"
)

const pkgPlotlyTypes = "github.com/MetalBlueberry/go-plotly/pkg/types/types"

func init() {
	register(pkgPlotlyTypes, map[string]any{"DataArray": DataArray})
}

// DataArray shims go-plotly's types.DataArray: data is a []T. Common
// element types keep their slice; others go through JSON, which is how
// plotly receives them anyway.
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
	b, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("types.DataArray: %T does not encode as JSON: %v", data, err))
	}
	out := &types.DataArrayType{}
	if err := out.UnmarshalJSON(b); err != nil {
		panic(fmt.Sprintf("types.DataArray: %T is not an array: %v", data, err))
	}
	return out
}
