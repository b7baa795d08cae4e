package gomlxtest

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"

	"github.com/gomlx/gomlx/ml/train"
	"github.com/igo-kernel/igo/runtime/shims"
)

// shimProgram calls every shim (and a few instantiations) from interpreted
// code and prints one checked line per group.
const shimProgram = `package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/compute/support/humanize"
	"github.com/gomlx/compute/support/xslices"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gomlx/gomlx/support/fsutil"
	"github.com/janpfeifer/must"
	"github.com/janpfeifer/gonb/cache"
	"k8s.io/klog/v2"
	"github.com/MetalBlueberry/go-plotly/pkg/types"
)

func main() {
	b := compute.MustNew()
	x := tensors.FromValue([]float32{1, 2, 3})
	op := func(f func(*graph.Node) *graph.Node) any {
		return graph.MustExecOnce(b, f, x).Value()
	}
	fmt.Println("ops",
		op(func(n *graph.Node) *graph.Node { return graph.AddScalar(n, 1) }),
		op(func(n *graph.Node) *graph.Node { return graph.SubScalar(n, 1) }),
		op(func(n *graph.Node) *graph.Node { return graph.MulScalar(n, 2) }),
		op(func(n *graph.Node) *graph.Node { return graph.DivScalar(n, 2) }),
		op(func(n *graph.Node) *graph.Node { return graph.PowScalar(n, 2) }),
		op(func(n *graph.Node) *graph.Node { return graph.ModScalar(n, 2) }),
		op(func(n *graph.Node) *graph.Node { return graph.MaxScalar(n, 2) }),
		op(func(n *graph.Node) *graph.Node { return graph.MinScalar(n, 2) }),
		op(func(n *graph.Node) *graph.Node { return graph.Add(n, graph.Scalar(n.Graph(), dtypes.Float32, uint8(1))) }))
	xi := tensors.FromValue([]int32{1, 8})
	shift := func(f func(*graph.Node) *graph.Node) any { return graph.MustExecOnce(b, f, xi).Value() }
	fmt.Println("shifts",
		shift(func(n *graph.Node) *graph.Node { return graph.BitwiseShiftLeftScalar(n, 1) }),
		shift(func(n *graph.Node) *graph.Node { return graph.BitwiseShiftRightArithmeticScalar(n, 1) }),
		shift(func(n *graph.Node) *graph.Node { return graph.BitwiseShiftRightLogicalScalar(n, 1) }))
	rnd := graph.MustExecOnce(b, func(g *graph.Graph) *graph.Node {
		_, v := graph.RandomIntN(graph.RNGStateFromSeedForGraph(g, 1), 5, shapes.Make(dtypes.Int32, 100))
		return graph.ReduceAllMax(v)
	})
	fmt.Println("random", tensors.ToScalar__int32(rnd) < 5)

	add := func(a, c *graph.Node) *graph.Node { return graph.Add(a, c) }
	e, err := graph.NewExec(b, add)
	fmt.Println("exec", e.MustExec(x, x)[0].Value(), err)
	e1, _ := graph.NewExec1(b, add)
	e2, _ := graph.NewExec2(b, func(a *graph.Node) (*graph.Node, *graph.Node) { return a, graph.Neg(a) })
	e3, _ := graph.NewExec3(b, func(a *graph.Node) (*graph.Node, *graph.Node, *graph.Node) { return a, a, a })
	m2 := graph.MustNewExec2(b, func(a *graph.Node) (*graph.Node, *graph.Node) { return a, a })
	m3 := graph.MustNewExec3(b, func(a *graph.Node) (*graph.Node, *graph.Node, *graph.Node) { return a, a, a })
	o2a, o2b := e2.MustCall(x)
	_, _, o3 := e3.MustCall(x)
	_, m2b := m2.MustCall(x)
	_, _, m3c := m3.MustCall(x)
	fmt.Println("execN", e1.MustCall(x, x).Value(), o2a.Value(), o2b.Value(), o3.Value(), m2b.Value(), m3c.Value())
	c1, _ := graph.CallOnce(b, graph.Neg, x)
	c2, _ := graph.ExecOnce(b, graph.Neg, x)
	cn, _ := graph.CallOnceN(b, add, x, x)
	en, _ := graph.ExecOnceN(b, add, x, x)
	fmt.Println("once", c1.Value(), c2.Value(), cn[0].Value(), en[0].Value(), graph.MustExecOnceN(b, add, x, x)[0].Value())
	if _, err := graph.NewExec(b, func(s string) string { return s }); err == nil {
		fmt.Println("bad fn accepted")
	}

	store := model.NewStore()
	store.SetParam("n", 7)
	scope := store.RootScope()
	fmt.Println("params", model.GetParamOr(scope, "n", 1), model.GetParamOr(scope, "missing", "dflt"),
		model.GetParamOr__int(scope, "n", 1), model.GetRootParamOr(store, "n", 0), model.MustGetParam(scope, "n"),
		model.MustGetRootParam(store, "n"), model.MustGetParam__float64(scope, "n"))
	wf := func(s *model.Scope, a *graph.Node) *graph.Node {
		w := s.VariableWithValue("w", float32(2)).ValueGraph(a.Graph())
		fmt.Sprint(model.GetGraphParamOr(s, a.Graph(), "n", 0))
		return graph.Mul(a, w)
	}
	me := model.MustNewExec(b, store, wf)
	me1 := model.MustNewExec1(b, store, wf)
	me2 := model.MustNewExec2(b, store, func(s *model.Scope, a *graph.Node) (*graph.Node, *graph.Node) { return a, a })
	me3 := model.MustNewExec3(b, store, func(s *model.Scope, a *graph.Node) (*graph.Node, *graph.Node, *graph.Node) { return a, a, a })
	n1, _ := model.NewExec1(b, store, wf)
	n2, _ := model.NewExec2(b, store, func(s *model.Scope, a *graph.Node) (*graph.Node, *graph.Node) { return a, a })
	n3, _ := model.NewExec3(b, store, func(s *model.Scope, a *graph.Node) (*graph.Node, *graph.Node, *graph.Node) { return a, a, a })
	ne, _ := model.NewExec(b, store, wf)
	_, me2b := me2.MustCall(x)
	_, _, me3c := me3.MustCall(x)
	_, n2b := n2.MustCall(x)
	_, _, n3c := n3.MustCall(x)
	fmt.Println("model", me.MustCall(x)[0].Value(), me1.MustCall(x).Value(), me2b.Value(), me3c.Value(),
		n1.MustCall(x).Value(), n3c.Value(), n2b.Value(), ne.MustCall(x)[0].Value())
	mo1, _ := model.CallOnce(b, store, wf, x)
	mo2, _ := model.ExecOnce(b, store, wf, x)
	mo3, _ := model.CallOnceN(b, store, wf, x)
	mo4, _ := model.ExecOnceN(b, store, wf, x)
	fmt.Println("modelonce", mo1.Value(), mo2.Value(), mo3[0].Value(), mo4[0].Value(),
		model.MustCallOnce(b, store, wf, x).Value(), model.MustExecOnce(b, store, wf, x).Value(),
		model.MustCallOnceN(b, store, wf, x)[0].Value(), model.MustExecOnceN(b, store, wf, x)[0].Value())

	t := tensors.FromFlatDataAndDimensions([]float64{1, 2, 3, 4}, 2, 2)
	tensors.MutableFlatData(t, func(flat []float64) { flat[0] = 10 })
	tensors.MustMutableFlatData(t, func(flat []float64) { flat[1] = 20 })
	var sum float64
	tensors.ConstFlatData(t, func(flat []float64) { sum = flat[0] + flat[1] })
	tensors.MustConstFlatData(t, func(flat []float64) { sum += flat[3] })
	flat, _ := tensors.CopyFlatData(t)
	f32, _ := tensors.CopyFlatData__float32(tensors.FromScalarAndDimensions(float32(1.5), 2))
	fmt.Println("tensors", sum, flat, tensors.MustCopyFlatData(t), f32, tensors.ToScalar(tensors.FromScalar(int64(9))),
		tensors.AssignFlatData(t, []float64{4, 3, 2, 1}), t.Value(), tensors.MustCopyFlatData__float64(t),
		tensors.AssignFlatData(t, []float32{1}) != nil, len(dtypes.UnsafeByteSlice([]int16{1, 2})),
		dtypes.FromGenericsType__bfloat16_BFloat16(), shapes.Scalar__float32(), shapes.ConvertTo__int32(3.0))

	fmt.Println("misc", must.M1(7, nil), humanize.Bytes(2048), humanize.Count(1234567), humanize.Underscores(1234567),
		humanize.Speed(2.5, "steps"), fsutil.ByteCountIEC(int64(2048)), float16.From(0.5).Float32(),
		bfloat16.From(2).Float32(), len(float16.FromNumbers(1, 2)), len(bfloat16.FromNumbers(1, 2, 3)))
	a1, a2 := must.M2(1, 2, nil)
	_, _, a3 := must.M3(1, 2, 3, nil)
	_, _, _, a4 := must.M4(1, 2, 3, 4, nil)
	_, _, _, _, a5 := must.M5(1, 2, 3, 4, 5, nil)
	_, _, _, _, _, a6 := must.M6(1, 2, 3, 4, 5, 6, nil)
	_, _, _, _, _, _, a7 := must.M7(1, 2, 3, 4, 5, 6, 7, nil)
	_, _, _, _, _, _, _, a8 := must.M8(1, 2, 3, 4, 5, 6, 7, 8, nil)
	_, _, _, _, _, _, _, _, a9 := must.M9(1, 2, 3, 4, 5, 6, 7, 8, 9, nil)
	fmt.Println("must", a1, a2, a3, a4, a5, a6, a7, a8, a9)
	caught := exceptions.TryCatch(func() { panic("boom") })
	caughtErr := exceptions.TryCatch__error(func() { panic(errors.New("bad")) })
	layers.AssertQuantilesForPWLCalibrationValid([]float32{0, 1, 2})
	fmt.Printf("exceptions %v %v %T\n", caught, caughtErr, caught)

	s := []int{3, 1, 2}
	xslices.SetAt(s, 0, 5)
	xslices.SetLast(s, 9)
	fill := make([]float32, 2)
	xslices.FillSlice(fill, 1.5)
	last, rest := xslices.Pop([]string{"a", "b"})
	m := map[string]int{"b": 2, "a": 1}
	fmt.Println("xslices", s, xslices.At(s, -1), xslices.Last(s), xslices.Copy(s), fill, xslices.Gather(s, []int{2, 0}),
		last, rest, xslices.SliceWithValue(2, "x"), xslices.Slice2DWithValue(1, 2, 2), xslices.Slice3DWithValue(0, 1, 1, 2),
		xslices.MultidimensionalSliceWithValue(7, 2, 1), xslices.Iota(float32(0.5), 3), xslices.Max(s), xslices.Min(s),
		len(xslices.Keys(m).([]string)), xslices.SortedKeys(m),
		xslices.Map(s, func(v int) string { return fmt.Sprint(v * 2) }),
		xslices.MapParallel([]int{1, 2}, func(v int) int { return v + 1 }),
		xslices.MustSlicesInRelData([]float64{1}, []float64{1}, 0.01), xslices.Close__float64(1.0, 1.0), xslices.EqualAny__int(1, 1))
	cacheStore := cache.MustNew(must.M1(os.MkdirTemp("", "igo-cache")).(string))
	calls := 0
	cached := func() []int { calls++; return []int{4, 2} }
	fmt.Println("cache", cache.CacheWith(cacheStore, "k", cached), cache.CacheWith(cacheStore, "k", cached), calls,
		cache.Cache("", func() string { return "bypassed" }))
	var nilPoint *struct{ X int }
	fmt.Println("klog", klog.SafePtr(nilPoint) == nil, klog.SafePtr(&struct{ X int }{3}) != nil)
	fmt.Println("plotly", string(must.M1(json.Marshal(types.DataArray([]float32{1.5, 2}))).([]byte)),
		string(must.M1(json.Marshal(types.DataArray([]uint8{3}))).([]byte)))
}
`

func TestEveryShimFromInterpretedCode(t *testing.T) {
	// Every shim must appear called as pkg.Name( (or Name( under a dot
	// import) in this package's test programs.
	var sources strings.Builder
	files, _ := filepath.Glob("*_test.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources.Write(b)
	}
	for key, syms := range shims.Symbols {
		if key == "." {
			continue
		}
		pkg := key[strings.LastIndexByte(key, '/')+1:]
		for name := range syms {
			if strings.Contains(name, shims.InstantiationSep) {
				continue
			}
			if !regexp.MustCompile(`(\b` + pkg + `\.|[^.\w])` + name + `\(`).MatchString(sources.String()) {
				t.Errorf("shim %s.%s is not called by the test program", pkg, name)
			}
		}
	}
	out := run(t, shimProgram)
	for _, want := range []string{
		"ops [2 3 4] [0 1 2] [2 4 6] [0.5 1 1.5] [1 4 9] [1 0 1] [2 2 3] [1 2 2] [2 3 4]\n",
		"shifts [2 16] [0 4] [0 4]\n",
		"random true\n",
		"exec [2 4 6] <nil>\n",
		"execN [2 4 6] [1 2 3] [-1 -2 -3] [1 2 3] [1 2 3] [1 2 3]\n",
		"once [-1 -2 -3] [-1 -2 -3] [2 4 6] [2 4 6] [2 4 6]\n",
		"params 7 dflt 7 7 7 7 7\n",
		"model [2 4 6] [2 4 6] [1 2 3] [1 2 3] [2 4 6] [1 2 3] [1 2 3] [2 4 6]\n",
		"modelonce [2 4 6] [2 4 6] [2 4 6] [2 4 6] [2 4 6] [2 4 6] [2 4 6] [2 4 6]\n",
		"tensors 34 [10 20 3 4] [10 20 3 4] [1.5 1.5] 9 <nil> [[4 3] [2 1]] [4 3 2 1] true 4 BFloat16 (Float32) 3\n",
		"misc 7 2.0 KiB 1.2M 1_234_567 2.50 steps/s 2.0 KiB 0.5 2 2 3\n",
		"must 1 2 3 4 5 6 7 8 9\n",
		"exceptions boom bad string\n",
		"cache [4 2] [4 2] 1 bypassed\n",
		"klog true true\n",
		"plotly [1.5,2] [3]\n",
		"xslices [5 1 9] 9 9 [5 1 9] [1.5 1.5] [9 5] b [a] [x x] [[1 1] [1 1]] [[[0 0]]] [[7] [7]] [0.5 1.5 2.5] 9 1 2 [a b] [10 2 18] [2 3] <nil> true true\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(out, "bad fn accepted") {
		t.Error("NewExec accepted a function that builds no graph")
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// TestOptionalInterfaceVisible checks that compiled code sees ShortName on an
// interpreted train.Dataset, through the combined wrapper in shims.MapTypes.
func TestOptionalInterfaceVisible(t *testing.T) {
	probe := interp.Exports{"probe/probe": {
		"ShortName": reflect.ValueOf(func(ds train.Dataset) string {
			if sn, ok := ds.(train.HasShortName); ok {
				return "short=" + sn.ShortName()
			}
			return "none"
		}),
	}}
	extraUse = append(extraUse, probe)
	defer func() { extraUse = nil }()
	out := run(t, `package main

import (
	"fmt"
	"probe"

	"github.com/gomlx/gomlx/ml/train"
)

type ds struct{}

func (ds) Name() string { return "mine" }
func (ds) Iter() func(yield func(train.Batch, error) bool) {
	return func(yield func(train.Batch, error) bool) {}
}
func (ds) ShortName() string { return "M" }

type plain struct{}

func (plain) Name() string { return "plain" }
func (plain) Iter() func(yield func(train.Batch, error) bool) {
	return func(yield func(train.Batch, error) bool) {}
}

func main() {
	fmt.Println(probe.ShortName(ds{}), probe.ShortName(&ds{}), probe.ShortName(plain{}))
}
`)
	if !strings.Contains(out, "short=M short=M none\n") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}
