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


class JaxBackend(Backend):
    name = "jax"

    abs = staticmethod(_abs)

    logsumexp = staticmethod(lambda x, axis, keepdims=False: jax.nn.logsumexp(x, axis=axis, keepdims=keepdims))
    log_softmax = staticmethod(lambda x, axis: jax.nn.log_softmax(x, axis=axis))
    softmax = staticmethod(lambda x, axis: jax.nn.softmax(x, axis=axis))
    sigmoid = staticmethod(jax.nn.sigmoid)
    log_sigmoid = staticmethod(jax.nn.log_sigmoid)
    softplus = staticmethod(jax.nn.softplus)
    stop_gradient = staticmethod(jax.lax.stop_gradient)

    def xlogy(self, x, y):
        # jax.scipy.special.xlogy's gradient with respect to y is nan at x == y == 0;
        # the generic double-where form is exact there.
        return Backend.xlogy(self, x, y)

    def clip(self, x, /, min=None, max=None):
        if isinstance(min, int | float | None) and isinstance(max, int | float | None):
            return _clip(x, min, max)
        # array bounds: select with where (same gradient rule, no fusion concern here)
        if min is not None:
            x = jnp.where(x < min, jnp.asarray(min, dtype=x.dtype), x)
        if max is not None:
            x = jnp.where(x > max, jnp.asarray(max, dtype=x.dtype), x)
        return x

    def one_hot(self, indices, num_classes, dtype):
        return jax.nn.one_hot(indices, num_classes, dtype=dtype)

    def size(self, x):
        return x.size

    def is_concrete(self, x):
        return not isinstance(x, jax.core.Tracer)


def backend():
    return JaxBackend(jnp)
