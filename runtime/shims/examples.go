package shims

import "github.com/gomlx/gomlx/examples/dogsvscats"

const pkgDogsVsCats = "github.com/gomlx/gomlx/examples/dogsvscats/dogsvscats"

// GoMLX's example packages have one generic function, whose type argument
// cannot be inferred: it gets an instantiation per type its constraint names.
func init() {
	s := InstantiationSep
	register(pkgDogsVsCats, map[string]any{
		"BytesToTensor" + s + "float32": dogsvscats.BytesToTensor[float32],
		"BytesToTensor" + s + "float64": dogsvscats.BytesToTensor[float64],
		"BytesToTensor" + s + "int":     dogsvscats.BytesToTensor[int],
		"BytesToTensor" + s + "int16":   dogsvscats.BytesToTensor[int16],
		"BytesToTensor" + s + "int32":   dogsvscats.BytesToTensor[int32],
		"BytesToTensor" + s + "int64":   dogsvscats.BytesToTensor[int64],
		"BytesToTensor" + s + "uint16":  dogsvscats.BytesToTensor[uint16],
		"BytesToTensor" + s + "uint32":  dogsvscats.BytesToTensor[uint32],
		"BytesToTensor" + s + "uint64":  dogsvscats.BytesToTensor[uint64],
	})
}
