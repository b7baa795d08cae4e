"""Rich output through a real client: every display kind of package display
arrives as the Jupyter message a notebook renders, with content that is
valid for its MIME type (SVG parses as XML, PNG and JPEG carry their magic
bytes, Vega-Lite validates against Vega-Lite's own JSON schema), handles
update in place, cell results render as images, tensor tables and charts,
progress bars and a live training plot redraw under one display_id, and a
huge printed output or display is cut with a notice.

Vega-Lite's schema cannot be downloaded in CI; altair's wheel ships it, so
the schema comes from the installed altair (pinned in requirements.txt)."""

from __future__ import annotations

import base64
import json
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import altair
import jsonschema
import pytest
from jupyter_client.manager import KernelManager

from igo_client import KERNEL_NAME, ok

STARTUP_TIMEOUT = 60
TRAIN_TIMEOUT = 120  # a bound for a hung kernel, not a speed check

VEGALITE_MIME = "application/vnd.vegalite.v5+json"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@pytest.fixture(scope="module")
def kc(igo):
    """One kernel for the whole file: display cells do not disturb each
    other, and starting a kernel per test would cost most of the time."""
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel()
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=STARTUP_TIMEOUT)
        yield client
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def vegalite_schema():
    """A validator for Vega-Lite v5 specs, from the schema inside altair."""
    path = Path(altair.__file__).parent / "vegalite" / "v5" / "schema" / "vega-lite-schema.json"
    assert path.is_file(), f"altair {altair.__version__} ships no Vega-Lite v5 schema; pin altair 5.x"
    schema = json.loads(path.read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def only(cell, msg_type: str) -> dict:
    """The content of the cell's one message of msg_type."""
    found = [m["content"] for m in cell.outputs if m["msg_type"] == msg_type]
    assert len(found) == 1, f"want one {msg_type}:\n{cell.describe()}"
    return found[0]


def displayed(cell) -> dict:
    """The data of the cell's only output, a display_data (a *Handle as the
    trailing expression must not add an execute_result)."""
    assert [m["msg_type"] for m in cell.outputs] == ["display_data"], cell.describe()
    content = cell.outputs[0]["content"]
    assert isinstance(content["transient"]["display_id"], str) and content["transient"]["display_id"]
    return content["data"]


def decoded(data: dict, mime: str) -> bytes:
    raw = data[mime]
    assert isinstance(raw, str), f"{mime} must travel as base64 text"
    return base64.b64decode(raw, validate=True)


def png_size(b: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert b.startswith(PNG_MAGIC), b[:16]
    assert b[12:16] == b"IHDR"
    return struct.unpack(">II", b[16:24])


# A 4x3 image with one red pixel, encoded by the cell in the format asked.
IMAGE_CELL = """
img := image.NewRGBA(image.Rect(0, 0, 4, 3))
img.Set(1, 1, color.RGBA{255, 0, 0, 255})
"""


def test_html(kc):
    data = displayed(ok(kc, 'display.HTML("<b>bold</b> &amp; <i>more</i>")'))
    assert data["text/html"] == "<b>bold</b> &amp; <i>more</i>"
    assert data["text/plain"] == "bold & more"


def test_markdown(kc):
    data = displayed(ok(kc, 'display.Markdown("# Title\\n\\n*some* `code`")'))
    assert data["text/markdown"] == "# Title\n\n*some* `code`"


def test_svg_parses_as_xml(kc):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="red"/></svg>'
    data = displayed(ok(kc, f"display.SVG(`{svg}`)"))
    root = ET.fromstring(data["image/svg+xml"])
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root[0].tag.endswith("rect")


def test_png_bytes(kc):
    data = displayed(
        ok(kc, IMAGE_CELL + "var buf bytes.Buffer\nif err := png.Encode(&buf, img); err != nil {\n\tpanic(err)\n}\ndisplay.PNG(buf.Bytes())")
    )
    assert png_size(decoded(data, "image/png")) == (4, 3)


def test_image_value_is_png(kc):
    cell = ok(kc, IMAGE_CELL + "display.Image(img)")
    data = displayed(cell)
    assert png_size(decoded(data, "image/png")) == (4, 3)
    assert cell.outputs[0]["content"]["metadata"]["image/png"] == {"width": 4, "height": 3}


def test_jpeg_bytes(kc):
    data = displayed(
        ok(
            kc,
            IMAGE_CELL
            + "var buf bytes.Buffer\nif err := jpeg.Encode(&buf, img, nil); err != nil {\n\tpanic(err)\n}\ndisplay.JPEG(buf.Bytes())",
        )
    )
    b = decoded(data, "image/jpeg")
    assert b.startswith(JPEG_MAGIC) and b.endswith(b"\xff\xd9")
    assert "image/png" not in data


def test_png_of_jpeg_bytes_is_refused(kc):
    """Bytes of the wrong format are not passed off as a PNG."""
    data = displayed(ok(kc, IMAGE_CELL + "var buf bytes.Buffer\njpeg.Encode(&buf, img, nil)\ndisplay.PNG(buf.Bytes())"))
    assert "image/png" not in data
    assert "invalid" in data["text/plain"]


def test_json_object_and_array(kc):
    data = displayed(ok(kc, 'display.JSON(map[string]any{"name": "igo", "sizes": []int{1, 2, 3}})'))
    assert data["application/json"] == {"name": "igo", "sizes": [1, 2, 3]}
    data = displayed(ok(kc, 'display.JSON(`[1, {"a": null}]`)'))
    assert data["application/json"] == [1, {"a": None}]


def test_latex(kc):
    data = displayed(ok(kc, 'display.LaTeX(`\\frac{a}{b}`)'))
    assert data["text/latex"] == "$$\\frac{a}{b}$$"
    data = displayed(ok(kc, 'display.LaTeX(`$x^2$`)'))
    assert data["text/latex"] == "$x^2$"


def test_vegalite_chart_validates(kc, vegalite_schema):
    cell = ok(
        kc,
        """
display.VegaLite(map[string]any{
	"title": "squares",
	"data":  map[string]any{"values": []map[string]any{{"x": 1, "y": 1}, {"x": 2, "y": 4}, {"x": 3, "y": 9}}},
	"mark":  "line",
	"encoding": map[string]any{
		"x": map[string]any{"field": "x", "type": "quantitative"},
		"y": map[string]any{"field": "y", "type": "quantitative"},
	},
})
""",
    )
    spec = displayed(cell)[VEGALITE_MIME]
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    assert [v["y"] for v in spec["data"]["values"]] == [1, 4, 9]
    vegalite_schema.validate(spec)


def test_vegalite_validator_rejects_a_broken_spec(vegalite_schema):
    """The schema check above can fail: a mark Vega-Lite lacks is refused."""
    with pytest.raises(jsonschema.ValidationError):
        vegalite_schema.validate({"mark": "no-such-mark", "data": {"values": []}})


def test_raw_mime_bundle(kc):
    data = displayed(
        ok(kc, 'display.MIME(map[string]any{"text/html": "<i>x</i>", "application/vnd.igo.test+json": map[string]any{"k": 2}})')
    )
    assert data["text/html"] == "<i>x</i>"
    assert data["application/vnd.igo.test+json"] == {"k": 2}
    assert "text/plain" in data  # added for front ends that know neither type


def test_clear_output(kc):
    cell = ok(kc, 'fmt.Println("before")\ndisplay.Clear(true)\nfmt.Println("after")')
    kinds = [m["msg_type"] for m in cell.outputs]
    assert kinds.count("clear_output") == 1, cell.describe()
    assert only(cell, "clear_output")["wait"] is True
    # Ordered as written: the clear comes between the two prints.
    i = kinds.index("clear_output")
    assert "before" in "".join(m["content"].get("text", "") for m in cell.outputs[:i])
    assert "after" in "".join(m["content"].get("text", "") for m in cell.outputs[i:])
    assert only(ok(kc, "display.Clear(false)"), "clear_output")["wait"] is False


def test_handle_update_in_the_same_and_a_later_cell(kc):
    cell = ok(kc, 'h := display.HTML("<p>one</p>")\nh.Update("<p>two</p>")')
    assert [m["msg_type"] for m in cell.outputs] == ["display_data", "update_display_data"], cell.describe()
    first, update = (m["content"] for m in cell.outputs)
    display_id = first["transient"]["display_id"]
    assert update["transient"]["display_id"] == display_id
    assert update["data"]["text/html"] == "<p>two</p>"

    later = ok(kc, 'h.Update("<p>three</p>")\nfmt.Println(h.ID())')
    update = only(later, "update_display_data")
    assert update["transient"]["display_id"] == display_id
    assert update["data"]["text/html"] == "<p>three</p>"
    assert later.stdout.strip() == display_id

    # A value of another kind is shown as a cell result would be.
    update = only(ok(kc, "h.Update(42)"), "update_display_data")
    assert update["transient"]["display_id"] == display_id
    assert update["data"]["text/plain"] == "42"


def test_trailing_image_is_a_png_result(kc):
    cell = ok(kc, IMAGE_CELL + "img")
    (data,) = cell.results
    assert png_size(decoded(data, "image/png")) == (4, 3)
    assert not [m for m in cell.outputs if m["msg_type"] == "display_data"]


def test_small_tensor_is_an_html_table(kc):
    cell = ok(kc, "tensors.FromValue([][]float32{{1.5, 2}, {3, 4.25}})")
    (data,) = cell.results
    table = data["text/html"]
    assert "<table" in table and "(Float32)[2, 2]" in table, table
    for v in ("1.5", "4.25"):
        assert f"<td>{v}</td>" in table, table
    # Well-formed markup: the table parses as XML.
    ET.fromstring(table)


def test_big_tensor_is_a_summary(kc):
    cell = ok(
        kc,
        """
values := make([]float32, 5000)
for i := range values {
	values[i] = float32(i)
}
tensors.FromValue(values)
""",
    )
    (data,) = cell.results
    assert "5000 elements" in data["text/plain"], data
    assert "min=0" in data["text/plain"] and "max=4999" in data["text/plain"], data
    assert "mean=2500" in data["text/plain"] or "mean=2499" in data["text/plain"], data
    assert "<td>4998</td>" not in data["text/html"]  # not the whole table
    assert len(data["text/html"]) < 2000


TRAINING_CELL = """
backend := compute.MustNew()
x := prep.RandomUniform(1, -1, 1, 512, 2)
y := graph.MustNewExec(backend, func(p *graph.Node) *graph.Node {
	return graph.ExpandAxes(graph.ReduceSum(graph.Mul(p, p), -1), -1)
}).MustCall(x)[0]
data, _ := prep.InMemory(backend, "train", x, y, 64, true, false, 1)
data.Infinite(true)
store := model.NewStore()
store.SetParam(optimizer.ParamLearningRate, 0.01)
net := func(scope *model.Scope, x *graph.Node) *graph.Node {
	return fnn.New(scope, x, 1).NumHiddenLayers(1, 16).Done()
}
trainer := train.NewTrainer(backend, store, net, loss.MeanSquaredError, optimizer.Adam().Done(), nil, nil)
loop := train.NewLoop(trainer)
// Redraw as often as rendering allows, so a short run shows several updates.
display.AttachTrainingPlot(loop).MinInterval(time.Millisecond)
if _, err := loop.RunSteps(data, 600); err != nil {
	panic(err)
}
"""


def test_live_training_plot(kc, vegalite_schema):
    cell = ok(kc, TRAINING_CELL, timeout=TRAIN_TIMEOUT)
    shows = [m["content"] for m in cell.outputs if m["msg_type"] == "display_data"]
    updates = [m["content"] for m in cell.outputs if m["msg_type"] == "update_display_data"]
    assert len(shows) == 1, cell.describe()
    assert len(updates) >= 3, f"{len(updates)} updates"
    display_id = shows[0]["transient"]["display_id"]
    assert {u["transient"]["display_id"] for u in updates} == {display_id}
    # The last message is the final plot, after every live redraw.
    assert cell.outputs[-1]["msg_type"] == "update_display_data", cell.describe()
    final = cell.outputs[-1]["content"]["data"]
    root = ET.fromstring(final["image/svg+xml"])
    assert root.tag.endswith("svg")
    spec = final[VEGALITE_MIME]
    vegalite_schema.validate(spec)
    steps = [v["step"] for v in spec["data"]["values"]]
    assert max(steps) >= 590, max(steps)  # the final plot reaches the last step
    metrics = {(v["type"], v["metric"]) for v in spec["data"]["values"]}
    assert ("loss", "Train: Loss") in metrics, metrics
    # Live redraws validate too, and grow.
    sizes = [len(u["data"][VEGALITE_MIME]["data"]["values"]) for u in updates]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1], sizes
    vegalite_schema.validate(updates[0]["data"][VEGALITE_MIME])


LIMIT = 8 << 20  # the kernel's cap on a cell's printed text


@pytest.mark.parametrize(
    "code",
    [
        # One write past the cap.
        'fmt.Print(strings.Repeat("x", 9<<20))',
        'line := strings.Repeat("y", 1023) + "\\n"\nfor i := 0; i < 9*1024; i++ {\n\tfmt.Print(line)\n}',
    ],
    ids=["one-write", "many-lines"],
)
def test_huge_text_is_cut_with_a_notice(kc, code):
    cell = ok(kc, code)
    out = cell.stdout
    assert 0 < len(out) <= LIMIT, len(out)
    assert len(out) >= LIMIT - (1 << 20), len(out)  # cut near the cap, not long before
    assert set(out) <= set("xy\n")
    assert "MiB" in cell.stderr and "dropped" in cell.stderr, cell.stderr[:500]
    # The kernel is still answering afterwards.
    assert ok(kc, 'fmt.Println("still here")').stdout == "still here\n"


def test_huge_display_is_cut_with_a_notice(kc):
    """Displays and results have their own cap (display.MaxTextBytes, 1 MiB
    per textual MIME entry)."""
    data = displayed(ok(kc, 'display.HTML("<pre>" + strings.Repeat("h", 3<<20) + "</pre>")'))
    html = data["text/html"]
    assert len(html) < 2 << 20 and "output truncated" in html, html[-200:]
    (data,) = ok(kc, 'strings.Repeat("z", 3<<20)').results
    text = data["text/plain"]
    assert len(text) < 2 << 20 and "output truncated" in text, text[-200:]


def test_chart_result_is_svg_and_png(kc):
    cell = ok(kc, 'display.Line([][]float64{{1, 3, 2, 5}, {2, 2, 3, 1}}).Title("two lines").Names("a", "b")')
    (data,) = cell.results
    root = ET.fromstring(data["image/svg+xml"])
    assert root.tag.endswith("svg")
    assert "two lines" in data["image/svg+xml"]
    assert decoded(data, "image/png").startswith(PNG_MAGIC)
    assert data["text/plain"] == "[line chart: 2 series, 8 values, two lines]"


def test_chart_handle_updates_with_another_chart(kc):
    cell = ok(kc, 'ch := display.Histogram([]float64{1, 2, 2, 3, 3, 3}, 3).Show()\nch.Update(display.Scatter([]int{1, 2}, []int{3, 4}))')
    assert [m["msg_type"] for m in cell.outputs] == ["display_data", "update_display_data"], cell.describe()
    first, update = (m["content"] for m in cell.outputs)
    assert first["transient"]["display_id"] == update["transient"]["display_id"]
    assert first["data"]["text/plain"].startswith("[histogram chart")
    assert update["data"]["text/plain"].startswith("[scatter chart")
    ET.fromstring(update["data"]["image/svg+xml"])


def test_image_grid_of_a_tensor(kc):
    # Four 3x5 gray images, tiled 2 by 2 with a gap between tiles.
    cell = ok(kc, "display.ImageGrid(tensors.FromShape(shapes.Make(dtypes.Float32, 4, 3, 5)), 2)")
    (data,) = cell.results
    width, height = png_size(decoded(data, "image/png"))
    assert 2 * 5 < width <= 2 * 5 + 3 * 2 and 2 * 3 < height <= 2 * 3 + 3 * 2, (width, height)
    assert data["text/plain"].startswith("[image grid: 4 images"), data


def test_progress_bar_ends_full(kc):
    cell = ok(kc, 'p := display.NewProgress(50, "steps")\nfor i := 0; i < 50; i++ {\n\tp.Add(1)\n}\np.Done()')
    kinds = [m["msg_type"] for m in cell.outputs]
    assert kinds[0] == "display_data" and kinds[-1] == "update_display_data", cell.describe()
    ids = {m["content"]["transient"]["display_id"] for m in cell.outputs}
    assert len(ids) == 1, ids
    final = cell.outputs[-1]["content"]["data"]["text/html"]
    assert 'value="50" max="50"' in final and "50/50" in final and "100%" in final, final
