"""The latent space: walking from one noise vector to another.

G's noise z ~ N(0, I_d) lives, for a large d, near a sphere: ||z||^2 is a sum of d squares,
with mean d and standard deviation sqrt(2 d), so ||z|| is about sqrt(d) give or take 1/sqrt(2).
Two such vectors are nearly orthogonal, so the midpoint of the straight line between them,
(z0 + z1) / 2, has a norm of about sqrt(d / 2): 1/sqrt(2) of the shell's radius, where the
prior has almost no mass and G has hardly ever been trained. Spherical interpolation walks
along the great circle through both instead, and keeps the norm of vectors of equal norm
(Shoemake 1985; for GANs, White 2016, "Sampling generative networks").
"""

from minigan import backend
from minigan.autograd import Tensor


def slerp(z0, z1, t):
    """Spherical linear interpolation from ``z0`` to ``z1``.

        slerp(z0, z1, t) = sin((1 - t) omega) / sin(omega) z0 + sin(t omega) / sin(omega) z1,
        omega = arccos(z0 . z1 / (||z0|| ||z1||)), the angle between z0 and z1.

    The point at t makes the angle t omega with z0 and (1 - t) omega with z1; for vectors of
    equal norm r it has norm r all the way.

    Args:
        z0, z1: Tensors or arrays of one shape (..., d), e.g. two noise vectors (d,).
        t: a number or an array (T,) of fractions: 0 gives z0, 1 gives z1.

    Returns:
        A Tensor (T, ..., d) for an array t, (..., d) for a number, in z0's dtype and without
        a graph: inputs for a generator. Where z0 and z1 are parallel or opposite (sin(omega)
        below 1e-6) the great circle is not defined, and it is the straight line
        (1 - t) z0 + t z1.
    """
    z0, z1 = (z.data if isinstance(z, Tensor) else z for z in (z0, z1))
    if z0.shape != z1.shape or z0.ndim < 1:
        raise ValueError(f"slerp: z0 and z1 must be vectors (..., d) of one shape, got {z0.shape} and {z1.shape}")
    xp = backend.get_array_module(z0, z1)
    a, b = z0.astype("float64"), z1.astype("float64")
    t = xp.asarray(t, dtype="float64")
    t = t.reshape(t.shape + (1,) * a.ndim)  # (T, 1, ..., 1): one point of the path per t
    # the angle between them as 2 atan2(||u - v||, ||u + v||) of the unit vectors u and v (Kahan):
    # exact at every angle, where the arccos of the cosine loses half its digits near 0 and pi
    u = a / xp.maximum(xp.sqrt((a * a).sum(axis=-1, keepdims=True)), 1e-300)
    v = b / xp.maximum(xp.sqrt((b * b).sum(axis=-1, keepdims=True)), 1e-300)
    omega = 2 * xp.arctan2(xp.sqrt(((u - v) ** 2).sum(axis=-1, keepdims=True)),
                           xp.sqrt(((u + v) ** 2).sum(axis=-1, keepdims=True)))
    sin_omega = xp.sin(omega)
    straight = sin_omega < 1e-6
    sin_omega = xp.where(straight, 1.0, sin_omega)  # no division by 0 where the line is taken instead
    w0 = xp.where(straight, 1 - t, xp.sin((1 - t) * omega) / sin_omega)
    w1 = xp.where(straight, t, xp.sin(t * omega) / sin_omega)
    return Tensor((w0 * a + w1 * b).astype(z0.dtype))
