"""JAX: ``jax.numpy`` is already an array API namespace; extensions come from jax.nn and jax.lax."""

import functools

import jax
import jax.numpy as jnp
import jax.scipy.special

from ._base import Backend


@jax.custom_jvp
def _abs(x):
    return jnp.abs(x)


# jnp.abs has derivative +1 at 0; PyTorch, TensorFlow and NumPy's sign give 0,
# which is what an L1 loss at a zero residual must give on every backend.
_abs.defjvp(lambda primals, tangents: (jnp.abs(primals[0]), jnp.sign(primals[0]) * tangents[0]))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1, 2))
def _clip(x, low, high):
    return jnp.clip(x, low, high)


# jnp.clip is maximum/minimum, whose derivative at a tie is 1/2; PyTorch's clamp
# and TensorFlow's clip_by_value pass the whole gradient at the bound (a
# probability of exactly 1 clipped to [eps, 1]). The value stays jnp.clip, so
# XLA still fuses it with its neighbours; only the tangent is selected.
@_clip.defjvp
def _clip_jvp(low, high, primals, tangents):
    (x,), (t,) = primals, tangents
    inside = jnp.ones_like(x, dtype=bool)
    if low is not None:
        inside = inside & (x >= low)
    if high is not None:
        inside = inside & (x <= high)
    return _clip(x, low, high), jnp.where(inside, t, jnp.zeros_like(t))


@functools.partial(jax.custom_jvp, nondiff_argnums=(1,))
def _split_max(x, axis):
    return jnp.max(x, axis=axis)


# The value is jnp.max alone, so the forward program (and XLA's cost estimate, which decides
# whether the CPU client runs it inline) holds one reduction, not the four of the generic form;
# only the tangent finds the tied maxima and shares among them.
@_split_max.defjvp
def _split_max_jvp(axis, primals, tangents):
    (x,), (t,) = primals, tangents
    peak = jnp.max(x, axis=axis, keepdims=True)
    at_peak = x == peak
    count = jnp.sum(at_peak, axis=axis, dtype=x.dtype)
    return jnp.squeeze(peak, axis), jnp.sum(jnp.where(at_peak, t, 0), axis=axis) / count


@jax.custom_jvp
def _xlogx(x):
    return jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log(x))


# The value is one log, product and select per element where the generic double where
# (two more square roots, a difference and a select) crossed the 1000-flop inline threshold
# of XLA's cost estimate for optax's kl_divergence at 32x5. The tangent is the generic form's
# own arithmetic, log(x) t + x (t / x): at x = 0 it is -inf t + 0 * inf, NaN (the extension's
# rule), in forward and reverse mode alike.
@_xlogx.defjvp
def _xlogx_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _xlogx(x), t * jnp.log(x) + x * (t / x)


# A custom_jvp function called eagerly traces its rule again on every call (~0.4 ms);
# under jit it is traced once per signature and the compiled call is cached. Inside
# an outer trace (jit, grad, vmap) the inner jit is inlined and the rule still applies.
_abs_cached = jax.jit(_abs)
_clip_cached = jax.jit(_clip, static_argnums=(1, 2))
_split_max_cached = jax.jit(_split_max, static_argnums=(1,))
# jax.nn.relu is jnp.maximum(x, 0) (NaN stays NaN) with derivative 0 at 0: one op per element
# where the generic compare-and-select is two in XLA's cost estimate.
_relu_cached = jax.jit(jax.nn.relu)
_xlogx_cached = jax.jit(_xlogx)


def _explicit_spec(x):
    # The mesh axes an array's type carries (jax.sharding.AxisType.Explicit); none in Auto mode.
    return tuple(getattr(getattr(jax.typeof(x), "sharding", None), "spec", ()))


def _explicitly_sharded(x, axis):
    spec = _explicit_spec(x)
    return axis < len(spec) and spec[axis] is not None


@functools.cache
def _first_cpu():
    return jax.local_devices(backend="cpu")[0]


@functools.lru_cache(maxsize=256)
def _sharding_on_host(sharding):
    # Host memory: CPU devices. A single-device array on a CPU device other than the first
    # stands in for an accelerator (the devices check runs there without a GPU). Cached by
    # sharding: a fused call asks once per call, and a set of devices costs more than a lookup.
    devices = sharding.device_set
    return all(d.platform == "cpu" for d in devices) and (len(devices) > 1 or devices == {_first_cpu()})


class JaxBackend(Backend):
    name = "jax"

    abs = staticmethod(_abs_cached)
    split_max = staticmethod(_split_max_cached)
    relu = staticmethod(_relu_cached)
    xlogx = staticmethod(_xlogx_cached)
    # lax.max and lax.min split the gradient evenly at a tie themselves (the extension's
    # rule): one op per element where the generic two selects and a mean are five in XLA's
    # cost estimate, which took optax's hinge_loss past its 1000-flop inline threshold at 32x5.
    even_maximum = staticmethod(jnp.maximum)
    even_minimum = staticmethod(jnp.minimum)
    # jnp.max's derivative shares the gradient equally among tied maxima itself, and a NaN propagates.
    split_max = staticmethod(lambda x, axis: jnp.max(x, axis=axis))

    logsumexp = staticmethod(lambda x, axis, keepdims=False: jax.nn.logsumexp(x, axis=axis, keepdims=keepdims))
    log_softmax = staticmethod(lambda x, axis: jax.nn.log_softmax(x, axis=axis))
    softmax = staticmethod(lambda x, axis: jax.nn.softmax(x, axis=axis))
    sigmoid = staticmethod(jax.nn.sigmoid)
    log_sigmoid = staticmethod(jax.nn.log_sigmoid)
    softplus = staticmethod(jax.nn.softplus)
    stop_gradient = staticmethod(jax.lax.stop_gradient)

    def scan(self, step, carry, xs, keep=False):
        # lax.scan: one loop in the compiled program, however many steps, and differentiable.
        def body(c, x):
            c = step(c, x)
            return c, (c if keep else None)

        carry, kept = jax.lax.scan(body, carry, xs)
        return (carry, kept) if keep else carry

    def clip(self, x, /, min=None, max=None):
        if isinstance(min, int | float | None) and isinstance(max, int | float | None):
            return _clip_cached(x, min, max)
        # array bounds: select with where (same gradient rule, no fusion concern here)
        if min is not None:
            x = jnp.where(x < min, jnp.asarray(min, dtype=x.dtype), x)
        if max is not None:
            x = jnp.where(x > max, jnp.asarray(max, dtype=x.dtype), x)
        return x

    def _nll_terms(self, x, indices, weight, ignore_index, label_smoothing, from_logits):
        if not from_logits or label_smoothing > 0:
            return Backend._nll_terms(self, x, indices, weight, ignore_index, label_smoothing, from_logits)
        from multiloss.losses import softmax

        # -log_softmax(x)[t] = log_sum - (x[t] - peak), formed at the targets only: the same
        # arithmetic as jax.nn.log_softmax then a gather, but XLA's cost model no longer counts
        # the whole matrix's shift. A 32x5 batch then stays under the 1000 estimated flops
        # below which the CPU client runs a program in the caller's thread instead of handing
        # it to a worker thread (6 µs vs 40 µs a call on a loaded machine).
        axis = 0 if x.ndim == 1 else 1
        peak = jax.lax.stop_gradient(jnp.max(x, axis=axis, keepdims=True))
        log_sum = jnp.log(jnp.sum(jnp.exp(x - peak), axis=axis))
        safe, ignored = softmax.mask_ignored(self, indices, ignore_index)
        minus_target = softmax.negative_log_likelihood(self, x, indices, ignore_index, axis)
        loss = jnp.where(ignored, 0, log_sum + (minus_target + jnp.squeeze(peak, axis)))
        target_weight = softmax.target_weights(self, safe, ignored, weight, x.dtype)
        if weight is not None:
            loss = loss * target_weight  # after the where, as smoothed_nll (0 * inf is nan)
        return loss, target_weight

    def map_chunks(self, fn, sliced, shared, size):
        # lax.map over the whole slices (one compiled body, run one slice at a time) and a last
        # call for the rest; jax.checkpoint makes the backward recompute a slice's intermediates.
        rows = sliced[0].shape[0]
        if rows <= size:
            return fn(*sliced, *shared)
        whole = rows // size * size

        def body(chunk):
            return fn(*chunk, *shared)

        stacked = tuple(jnp.reshape(a[:whole], (whole // size, size, *a.shape[1:])) for a in sliced)
        outputs = jax.lax.map(jax.checkpoint(body), stacked)
        outputs = [jnp.reshape(o, (whole, *o.shape[2:])) for o in outputs]
        if whole < rows:
            rest = jax.checkpoint(body)(tuple(a[whole:] for a in sliced))
            outputs = [jnp.concatenate([o, r]) for o, r in zip(outputs, rest)]
        return tuple(outputs)

    def one_hot(self, indices, num_classes, dtype):
        return jax.nn.one_hot(indices, num_classes, dtype=dtype)

    def size(self, x):
        return x.size

    def take(self, x, indices, /, *, axis=None):
        if x.ndim == 1 and any(a is not None for a in _explicit_spec(indices)):
            # A table (class weights) read at sharded indices: with Explicit mesh axes the
            # gather can't infer its output's sharding, which is the indices'.
            return x.at[indices].get(mode="fill", out_sharding=jax.typeof(indices).sharding)
        return jnp.take(x, indices, axis=axis)

    def take_along_axis(self, x, indices, axis=-1):
        axis = axis % x.ndim
        if indices.shape[axis] == 1 and _explicitly_sharded(x, axis):
            # With Explicit mesh axes a gather from a sharded axis has no unambiguous
            # output sharding (ShardingTypeError); a compare with each position and a
            # sum is local to every shard, plus one all-reduce of the picked values.
            positions = jax.lax.broadcasted_iota(indices.dtype, x.shape, axis)
            return jnp.sum(jnp.where(positions == indices, x, 0), axis=axis, keepdims=True)
        # A gather along one axis, which GSPMD splits along the batch and the class
        # axes alike (no all-gather); the flat generic form can't be split.
        return jnp.take_along_axis(x, indices, axis=axis)

    def take_along_axis_wrapped(self, x, indices, axis=-1):
        if indices.shape[axis] == 1 and _explicitly_sharded(x, axis % x.ndim):
            return Backend.take_along_axis_wrapped(self, x, indices, axis)
        # jnp.take_along_axis wraps and fills by these rules itself: the generic form's
        # wrap, range test and NaN select before it would be made twice, 8 more ops per
        # index, which takes a 32x5 batch past the 1000 flops of XLA's cost estimate above
        # which the CPU client hands a call to a worker thread (see _nll_terms).
        return jnp.take_along_axis(x, indices, axis=axis)

    def is_concrete(self, x):
        return not isinstance(x, jax.core.Tracer)

    def device(self, x):
        # A new array goes where a committed single-device input is; elsewhere (a tracer, a
        # sharded or an uncommitted array) JAX places it, and moves it as it combines.
        if isinstance(x, jax.core.Tracer) or not getattr(x, "committed", False):
            return None
        devices = x.devices()
        return next(iter(devices)) if len(devices) == 1 else None

    def on_host(self, x):
        return _sharding_on_host(x.sharding)


def backend():
    return JaxBackend(jnp)
