"""The fully connected layer's math: y = x W^T + b."""

from minigan.autograd import Function, Tensor


class Linear(Function):
    """y = x W^T + b for x (N, in), W (out, in) and b (out,) (or no b)."""

    def forward(self, x, W, b=None):
        y = x @ W.T
        if b is not None:
            y += b  # in place on the fresh product: no second (N, out) array
        return y

    def backward(self, gy):
        x, W = self.inputs[:2]
        need_x, need_W = self.needs_input_grad[:2]
        gx = gy @ W if need_x else None  # dL/dx = dL/dy W: each x_i fed every y_j through W_ji
        gW = gy.T @ x if need_W else None  # dL/dW = dL/dy^T x: summed over the batch
        if len(self.inputs) == 2:
            return gx, gW
        gb = gy.sum(axis=0) if self.needs_input_grad[2] else None  # dL/db = sum_n dL/dy_n
        return gx, gW, gb


def linear(x, weight, bias=None):
    """Apply y = x W^T + b.

    Args:
        x: input of shape (N, in), or (*, in) for any leading dimensions.
        weight: W of shape (out, in), PyTorch's layout.
        bias: b of shape (out,), or None.

    Returns:
        y of shape (N, out) (or (*, out)).
    """
    if not isinstance(x, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"linear: x and weight must be Tensors, got {type(x).__name__} and "
                        f"{type(weight).__name__}")
    if weight.ndim != 2 or x.ndim < 1 or x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: input of shape {x.shape} does not fit weight of shape {weight.shape} "
            f"(expected the input's last dimension to be {weight.shape[1]})"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(f"linear: bias of shape {bias.shape} does not fit weight of shape {weight.shape}")
    inputs = (weight,) if bias is None else (weight, bias)
    if x.ndim == 2:
        return Linear()(x, *inputs)
    lead = x.shape[:-1]  # fold the leading dimensions into one batch dimension and back
    return Linear()(x.reshape(-1, x.shape[-1]), *inputs).reshape(*lead, weight.shape[0])
