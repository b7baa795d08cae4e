"""JAX (CPU) version of the training benchmark: the models of
bench/models/models.go, same shapes, Adam written out (no optax), one jitted
step. One JSON line per model."""

from __future__ import annotations

import math
import time

import jax
import jax.numpy as jnp

import common as c


def dense(key, n_in, n_out, bias=True):
    w = jax.random.normal(key, (n_in, n_out), jnp.float32) / math.sqrt(n_in)
    return {"w": w, "b": jnp.zeros((n_out,), jnp.float32)} if bias else {"w": w}


def apply_dense(p, x):
    y = x @ p["w"]
    return y + p["b"] if "b" in p else y


def conv(key, c_in, c_out):
    w = jax.random.normal(key, (3, 3, c_in, c_out), jnp.float32) / math.sqrt(9 * c_in)
    return {"w": w, "b": jnp.zeros((c_out,), jnp.float32)}


def apply_conv(p, x, stride):
    y = jax.lax.conv_general_dilated(x, p["w"], (stride, stride), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + p["b"]


def layer_norm(x):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / jnp.sqrt(var + 1e-5)


def init(name, key):
    keys = iter(jax.random.split(key, 32))
    if name == "mlp":
        return {"h1": dense(next(keys), 784, 256), "h2": dense(next(keys), 256, 256), "out": dense(next(keys), 256, 10)}
    if name == "cnn":
        return {"c1": conv(next(keys), 1, 16), "c2": conv(next(keys), 16, 32), "c3": conv(next(keys), 32, 32),
                "hidden": dense(next(keys), 7 * 7 * 32, 64), "logits": dense(next(keys), 64, 10)}
    blocks = [{n: dense(next(keys), c.T_DIM, c.T_DIM, bias=False) for n in "qkvo"}
              | {"ff1": dense(next(keys), c.T_DIM, c.T_FF), "ff2": dense(next(keys), c.T_FF, c.T_DIM)}
              for _ in range(c.T_BLOCKS)]
    return {"embed": jax.random.normal(next(keys), (c.T_VOCAB, c.T_DIM)) * 0.02,
            "pos": jax.random.normal(next(keys), (1, c.T_SEQ, c.T_DIM)) * 0.02,
            "blocks": blocks, "head": dense(next(keys), c.T_DIM, c.T_VOCAB)}


def forward(name, p, x):
    if name == "mlp":
        x = jax.nn.relu(apply_dense(p["h1"], x))
        x = jax.nn.relu(apply_dense(p["h2"], x))
        return apply_dense(p["out"], x)
    if name == "cnn":
        x = jax.nn.relu(apply_conv(p["c1"], x, 1))
        x = jax.nn.relu(apply_conv(p["c2"], x, 2))
        x = jax.nn.relu(apply_conv(p["c3"], x, 2))
        x = x.reshape(x.shape[0], -1)
        return apply_dense(p["logits"], jax.nn.relu(apply_dense(p["hidden"], x)))
    x = p["embed"][x] + p["pos"]
    b, t, d = x.shape
    hd = d // c.T_HEADS
    mask = jnp.triu(jnp.full((t, t), -1e9, jnp.float32), 1)
    for blk in p["blocks"]:
        h = layer_norm(x)
        q, k, v = (apply_dense(blk[n], h).reshape(b, t, c.T_HEADS, hd) for n in "qkv")
        scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(hd) + mask
        mixed = jnp.einsum("bhqk,bkhd->bqhd", jax.nn.softmax(scores, -1), v).reshape(b, t, d)
        x = x + apply_dense(blk["o"], mixed)
        x = x + apply_dense(blk["ff2"], jax.nn.relu(apply_dense(blk["ff1"], layer_norm(x))))
    return apply_dense(p["head"], layer_norm(x))


def make_step(name):
    def loss_fn(p, x, y):
        logits = forward(name, p, x)
        logp = jax.nn.log_softmax(logits.reshape(-1, logits.shape[-1]))
        return -jnp.take_along_axis(logp, y.reshape(-1, 1), 1).mean()

    @jax.jit
    def step(p, m, v, t, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        b1, b2, lr, eps = 0.9, 0.999, 1e-3, 1e-7
        m = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
        v = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
        corr = jnp.sqrt(1 - b2**t) / (1 - b1**t)
        p = jax.tree.map(lambda p, m, v: p - lr * corr * m / (jnp.sqrt(v) + eps), p, m, v)
        return p, m, v, loss

    return step


def main() -> None:
    args = c.args()
    for name, warmup, steps in c.plan(args):
        x, y = c.batch(name)
        x = jnp.asarray(x if name != "transformer" else x.astype("int32"))
        y = jnp.asarray(y.astype("int32"))
        p = init(name, jax.random.PRNGKey(0))
        m = jax.tree.map(jnp.zeros_like, p)
        v = jax.tree.map(jnp.zeros_like, p)
        step = make_step(name)
        t = 0
        for _ in range(warmup):
            t += 1
            p, m, v, loss = step(p, m, v, float(t), x, y)
        loss.block_until_ready()
        start = time.perf_counter()
        for _ in range(steps):
            t += 1
            p, m, v, loss = step(p, m, v, float(t), x, y)
        loss.block_until_ready()
        elapsed = time.perf_counter() - start
        c.report(model=name, steps_per_s=steps / elapsed, loss=f"{float(loss):.6g}",
                 backend=f"jax {jax.__version__} {jax.devices()[0].platform}")


if __name__ == "__main__":
    main()
