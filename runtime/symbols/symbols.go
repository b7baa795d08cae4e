// Package symbols holds yaegi symbol tables for GoMLX, its compute backends
// and GoNB's notebook helpers, so interpreted cells can import them.
//
// Every other file in this folder is generated: run `go generate` here after
// changing the package list below or bumping a module version. yaegi extract
// skips generic functions and types; runtime/shims covers those.
package symbols

import "reflect"

// Symbols maps "importpath/pkgname" to the exported symbols of that package,
// in the form yaegi's interp.Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// The package list: one extract line per module keeps the lines readable.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/gomlx/gomlx/core/graph github.com/gomlx/gomlx/core/graph/nanlogger github.com/gomlx/gomlx/core/tensors github.com/gomlx/gomlx/core/tensors/images github.com/gomlx/gomlx/core/tensors/bucketing github.com/gomlx/gomlx/core/tensors/numpy
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/gomlx/gomlx/ml/model github.com/gomlx/gomlx/ml/model/checkpoint github.com/gomlx/gomlx/ml/model/initializer github.com/gomlx/gomlx/ml/dataset github.com/gomlx/gomlx/ml/nn
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/gomlx/gomlx/ml/layers github.com/gomlx/gomlx/ml/layers/activation github.com/gomlx/gomlx/ml/layers/attention github.com/gomlx/gomlx/ml/layers/attention/kvcache github.com/gomlx/gomlx/ml/layers/attention/pos github.com/gomlx/gomlx/ml/layers/bspline github.com/gomlx/gomlx/ml/layers/fnn github.com/gomlx/gomlx/ml/layers/kan github.com/gomlx/gomlx/ml/layers/lstm github.com/gomlx/gomlx/ml/layers/norm github.com/gomlx/gomlx/ml/layers/rational github.com/gomlx/gomlx/ml/layers/regularizer github.com/gomlx/gomlx/ml/layers/vnn
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/gomlx/gomlx/ml/train github.com/gomlx/gomlx/ml/train/loss github.com/gomlx/gomlx/ml/train/metric github.com/gomlx/gomlx/ml/train/optimizer github.com/gomlx/gomlx/ml/train/optimizer/cosineschedule
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/gomlx/gomlx/ui/commandline github.com/gomlx/gomlx/ui/plot github.com/gomlx/gomlx/ui/gonb/plotly github.com/gomlx/gomlx/ui/gonb/margaid github.com/gomlx/gomlx/ui/notebooks github.com/gomlx/gomlx/support/fsutil github.com/gomlx/gomlx/support/exceptions
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/gomlx/compute github.com/gomlx/compute/dtypes/bfloat16 github.com/gomlx/compute/dtypes/float16 github.com/gomlx/compute/shapes github.com/gomlx/compute/support/xslices github.com/gomlx/compute/support/humanize github.com/gomlx/compute/gobackend github.com/gomlx/go-xla/compute/xla
// dtypes.HalfPrecision[Ptr] are generic aliases that extract mistakes for plain interfaces.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols -exclude ^HalfPrecision(Ptr)?$ github.com/gomlx/compute/dtypes
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/janpfeifer/gonb/gonbui github.com/janpfeifer/gonb/gonbui/plotly github.com/janpfeifer/gonb/cache github.com/janpfeifer/must
// GoMLX's notebooks written before exceptions moved into gomlx/support import it from its own module.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/gomlx/exceptions
// GoMLX's example packages, which its example notebooks import (module github.com/gomlx/gomlx/examples).
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/gomlx/gomlx/examples/discretekan github.com/gomlx/gomlx/examples/adult github.com/gomlx/gomlx/examples/cifar github.com/gomlx/gomlx/examples/cifar/classifier github.com/gomlx/gomlx/examples/mnist github.com/gomlx/gomlx/examples/imdb github.com/gomlx/gomlx/examples/dogsvscats github.com/gomlx/gomlx/examples/inceptionv3 github.com/gomlx/gomlx/examples/oxfordflowers102 github.com/gomlx/gomlx/examples/oxfordflowers102/diffusion github.com/gomlx/gomlx/examples/downloader
// Plotly figures for GoNB's gonbui/plotly (GoMLX's rational notebook builds them by hand).
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols github.com/MetalBlueberry/go-plotly/generated/v2.34.0/graph_objects github.com/MetalBlueberry/go-plotly/pkg/types
// klog: GoMLX and its examples log with it (its Fatal and Exit fail the cell in IGo).
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols k8s.io/klog/v2
//go:generate go run ../shims/internal/genstamp
