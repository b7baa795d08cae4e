"""Turns the harness's results into bench/RESULTS.md: the machine, then one
table per part, ratios against the other tools and the targets."""

from __future__ import annotations


def num(v, fmt="{:.3g}") -> str:
    return fmt.format(v) if isinstance(v, (int, float)) else "—"


def ratio(a, b) -> str:
    return f"{a / b:.2f}×" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "—"


def markdown(r: dict) -> str:
    m = r["machine"]
    out = ["# Benchmark results", "",
           "Written by `./bench/run.sh" + (" --quick" if r["quick"] else "") + "`; do not edit by hand "
           "(findings and how to read these figures: bench/README.md).", "",
           "| machine | |", "|---|---|",
           f"| CPU | {m['cpu']} |", f"| cores | {m['cores']} |", f"| memory | {m['memory_gib']} GiB |",
           f"| OS | {m['os']} |", f"| Go | {m['go']} |", f"| Python | {m['python']} |", f"| date | {m['date']} |",
           f"| load average (1 min) before / after | {m['load_before']:.1f} / {m.get('load_after', 0):.1f} |",
           f"| harness wall time | {m.get('wall_s', '?')} s |", ""]
    if r["quick"]:
        out += ["**Quick mode**: fewer cells, starts and steps, no CNN, 10,000 images: indicative only.", ""]
    targets = []
    if "kernel" in r:
        out += kernel_table(r["kernel"], targets)
    if "training" in r:
        out += training_table(r["training"], targets)
    if "data" in r:
        out += data_table(r["data"])
    if targets:
        out += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
        out += [f"| {t} | {v} | {'yes' if ok else 'no'} |" for t, v, ok in targets]
        out += [""]
    return "\n".join(out)


KERNEL_ROWS = [
    ("start to kernel_info_reply (s, median)", "start_s", "{:.3f}"),
    ("first cell (ms)", "first_cell_s", None),
    ("trivial cell round trip, median (ms)", "trivial_median_ms", "{:.2f}"),
    ("trivial cell round trip, p90 (ms)", "trivial_p90_ms", "{:.2f}"),
    ("jupyter_client's own CPU per trivial cell (ms)", "client_cpu_ms_per_cell", "{:.2f}"),
    ("cell printing 10,000 lines (ms, median)", "print10k_median_ms", "{:.1f}"),
    ("display of a 1 MB PNG (ms, median)", "png1mb_median_ms", "{:.1f}"),
    ("idle RSS, kernel and its processes (MiB)", "idle_rss_mb", "{:.0f}"),
    ("processes at idle", "idle_processes", "{}"),
]


def kernel_table(k: dict, targets: list) -> list[str]:
    names = [("igo", "igo"), ("python3", "ipykernel"), ("gonb", "GoNB")]
    out = ["## Kernel (through jupyter_client)", "",
           f"Trivial cells: {k.get('igo', {}).get('trivial_n', '?')} round trips each (request sent to idle "
           "status and reply received).", "",
           "| | " + " | ".join(n for _, n in names) + " | igo ÷ ipykernel | igo ÷ GoNB |",
           "|---|" + "---|" * (len(names) + 2)]
    for label, key, fmt in KERNEL_ROWS:
        vals = [k.get(name, {}).get(key) for name, _ in names]
        if key == "first_cell_s":  # seconds in the results, milliseconds in the table
            vals, fmt = [1000 * v if isinstance(v, float) else v for v in vals], "{:.1f}"
        cells = [num(v, fmt) for v in vals]
        out.append(f"| {label} | " + " | ".join(cells) + f" | {ratio(vals[0], vals[1])} | {ratio(vals[0], vals[2])} |")
    errs = [(n, k[key]["error"]) for key, n in names if "error" in k.get(key, {})]
    out += [""] + [f"- {n}: could not be measured: `{e}`" for n, e in errs] + [""]
    igo, py = k.get("igo", {}), k.get("python3", {})
    if "trivial_median_ms" in igo and "trivial_median_ms" in py:
        x = igo["trivial_median_ms"] / py["trivial_median_ms"]
        targets.append(("trivial cell below 0.3× ipykernel", f"{x:.2f}×", x < 0.3))
    if "start_s" in igo:
        targets.append(("start under 0.3 s", f"{igo['start_s']:.3f} s", igo["start_s"] < 0.3))
    return out


def training_table(t: dict, targets: list) -> list[str]:
    cols = t["columns"]
    rates = {c: {row["model"]: row["steps_per_s"] for row in v["rows"]} for c, v in cols.items()}
    names = list(cols)
    out = ["## Training (steps/s, float32, every process on all cores)", "",
           "Same models and shapes everywhere (bench/models/models.go, bench/py/train_torch.py, "
           "bench/py/train_jax.py); Adam, cross-entropy, a fixed batch. "
           f"Go backend steps (warmup, timed): {t['go_steps']}; PyTorch, JAX, xla:cpu: {t['fast_steps']}.", "",
           "| model | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for model in t["models"]:
        out.append(f"| {model} | " + " | ".join(num(rates[c].get(model), "{:.2f}") for c in names) + " |")
    out += [""]
    for c, v in cols.items():
        if v["error"]:
            out.append(f"- {c}: `{v['error']}`")
    out += ["", f"Best of {t.get('rounds', 1)} rounds per column (the machine is shared).", "",
            "| model | igo ÷ native (Go backend) | Go backend ÷ PyTorch | xla:cpu ÷ JAX | igo (xla:cpu) ÷ native (xla:cpu) |",
            "|---|---|---|---|---|"]
    ig, nat = rates.get("igo kernel (Go backend)", {}), rates.get("native Go (Go backend)", {})
    torch, jax = rates.get("PyTorch CPU", {}), rates.get("JAX CPU", {})
    xla, igx = rates.get("native Go (xla:cpu)", {}), rates.get("igo kernel (xla:cpu)", {})
    for model in t["models"]:
        out.append(f"| {model} | {ratio(ig.get(model), nat.get(model))} | {ratio(nat.get(model), torch.get(model))} | "
                   f"{ratio(xla.get(model), jax.get(model))} | {ratio(igx.get(model), xla.get(model))} |")
        if model in ig and model in nat:
            x = ig[model] / nat[model]
            targets.append((f"{model}: training through the kernel ≥ 0.99× native", f"{x:.2f}×", x >= 0.99))
        if model in xla and model in jax:
            x = xla[model] / jax[model]
            targets.append((f"{model}: xla:cpu ≥ JAX CPU", f"{x:.2f}×", x >= 1))
    if "mlp" in nat and "mlp" in torch:
        x = nat["mlp"] / torch["mlp"]
        targets.append(("Go-backend MLP ≥ 0.5× PyTorch CPU", f"{x:.3f}×", x >= 0.5))
    return out + [""]


def data_table(d: dict) -> list[str]:
    go, np_ = d["go"], d["numpy"]
    out = ["## Data: MNIST-sized IDX files, load and prepare (ms, best of the repeats)", "",
           f"{go.get('examples', '?')} training images (gzipped IDX written by datasets/internal/testfiles/mirror): "
           "decode train and test files, scale to float32, standardise per feature, one-hot labels, shuffled 90/10 split.", "",
           f"| stage | {go.get('tool', 'Go')} | {np_.get('tool', 'NumPy')} | Go ÷ NumPy (time) |", "|---|---|---|---|"]
    for stage in ["decode", "to_float32", "standardize", "one_hot", "shuffle_split", "total"]:
        a, b = go.get("ms", {}).get(stage), np_.get("ms", {}).get(stage)
        out.append(f"| {stage} | {num(a, '{:.1f}')} | {num(b, '{:.1f}')} | {ratio(a, b)} |")
    for name, v in (("Go", go), ("NumPy", np_)):
        if "error" in v:
            out.append(f"\n- {name}: `{v['error']}`")
    return out + [""]
