"""torch.distributed with gloo on 127.0.0.1, 2 ranks: DDP, FSDP2 (fully_shard) and DTensor
(Shard(0), Shard(1), loss_parallel()), the class-sharded layout for the Keras and TF
interfaces too; plus, in one process, no host sync per eager call and
no graph break under torch.compile(fullgraph=True).

Each class-index and regression mirror must give the single-device value and gradients, and
equal torch's own loss under the same engine.
"""

import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from _common import close, inputs
from torch.utils._python_dispatch import TorchDispatchMode

import multiloss.keras as mk
import multiloss.pytorch as mp_nn
import multiloss.pytorch.functional as mf
import multiloss.tf.losses as mtl
import multiloss.tf.nn as mtn
from multiloss.distributed import global_mean

WORLD = 2
DATA = {k: torch.from_numpy(v) for k, v in inputs(batch=16, classes=8).items()}
DATA["labels"] = DATA["labels"].long()
DATA["ignored"] = DATA["ignored"].long()
FEATURES = DATA["prediction"]  # (16, 16): the model's input

# name -> (multiloss, torch's own), both called as loss(output, target)
CLASS_INDEX = {
    "CrossEntropyLoss": (mp_nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()),
    "CrossEntropyLoss smoothing": (mp_nn.CrossEntropyLoss(label_smoothing=0.2),
                                   torch.nn.CrossEntropyLoss(label_smoothing=0.2)),
    "NLLLoss": (lambda o, t: mp_nn.NLLLoss()(torch.log_softmax(o, 1), t),
                lambda o, t: torch.nn.NLLLoss()(torch.log_softmax(o, 1), t)),
}
REGRESSION = {
    "MSELoss": (mp_nn.MSELoss(), torch.nn.MSELoss()),
    "SmoothL1Loss": (mp_nn.SmoothL1Loss(), torch.nn.SmoothL1Loss()),
}


def model():
    torch.manual_seed(0)
    return torch.nn.Linear(16, 8)


def grads_of(net, loss, features, target):
    net.zero_grad()
    value = loss(net(features), target)
    value.backward()
    return value.detach(), [p.grad.detach().clone() for p in net.parameters()]


def local(x, rank):
    return x.chunk(WORLD)[rank]


def check_wrapped(rank, wrap, engine):
    """A data-parallel wrapper (DDP or FSDP2): the averaged gradients equal one device's."""
    for name, (ours, own) in {**CLASS_INDEX, **REGRESSION}.items():
        target = DATA["labels"] if name in CLASS_INDEX else DATA["target"][:, :8]
        expected = grads_of(model(), own, FEATURES, target)[1]
        net = wrap(model())
        x, t = local(FEATURES, rank), local(target, rank)
        value, got = grads_of(net, ours, x, t)
        own_value, own_grads = grads_of(net, own, x, t)
        close(value, own_value, f"{engine} {name}: value vs torch's own")
        for g, o, e in zip(got, own_grads, expected):
            g, o = _full(g), _full(o)
            close(g, o, f"{engine} {name}: gradient vs torch's own")
            close(g, e, f"{engine} {name}: gradient vs one device")


def check_compiled_in_ddp(rank):
    """The loss compiled with fullgraph=True (a graph break raises) in a DDP step. (DDP's own
    forward breaks a graph, torch's loss or not: its logger is not traceable.)"""
    ours, own = CLASS_INDEX["CrossEntropyLoss smoothing"]
    x, t = local(FEATURES, rank), local(DATA["labels"], rank)
    expected = grads_of(model(), own, FEATURES, DATA["labels"])[1]
    net = torch.nn.parallel.DistributedDataParallel(model())
    loss = torch.compile(ours, fullgraph=True, backend="eager")
    net.zero_grad()
    loss(net(x), t).backward()
    for g, e in zip([p.grad for p in net.parameters()], expected):
        close(g, e, "torch.compile(fullgraph=True) in DDP: gradient vs one device")


def _full(x):
    x = x.full_tensor() if hasattr(x, "full_tensor") else x
    return x.detach()


def check_global_mean(rank):
    """Class weights and ignore_index: per-rank means are not the global mean; global_mean is."""
    weight, target = DATA["weight"], DATA["ignored"].clone()
    target[:8] = -100  # rank 0 counts nothing
    expected = grads_of(model(), torch.nn.CrossEntropyLoss(weight=weight), FEATURES, target)[1]

    def loss(output, t):
        local_sum = mf.cross_entropy(output, t, weight=weight, reduction="sum")
        local_count = torch.where(t == -100, 0.0, weight[t.clamp(min=0)]).sum()
        return global_mean(local_sum, local_count)

    net = torch.nn.parallel.DistributedDataParallel(model())
    value, got = grads_of(net, loss, local(FEATURES, rank), local(target, rank))
    assert torch.isfinite(value), "global_mean gave a non-finite value on a rank that counts nothing"
    for g, e in zip(got, expected):
        close(g, e, "DDP global_mean: gradient vs one device")


def check_dtensor(rank):
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor import Replicate, Shard, distribute_tensor
    from torch.distributed.tensor.parallel import loss_parallel

    mesh = init_device_mesh("cpu", (WORLD,))
    logits, labels, weight = DATA["logits"], DATA["ignored"], DATA["weight"]
    replicated_weight = distribute_tensor(weight, mesh, (Replicate(),))
    # name -> (logits placement, labels placement, context, weight as torch takes it there, labels)
    # (loss_parallel's backward with a weight can't take an ignored target: it gathers at -100)
    cases = {
        "Shard(0)": ((Shard(0),), (Shard(0),), None, None, labels),
        "Shard(1)": ((Shard(1),), (Replicate(),), None, None, labels),
        "Shard(1) loss_parallel": ((Shard(1),), (Replicate(),), loss_parallel, None, labels),
        "Shard(0) weighted": ((Shard(0),), (Shard(0),), None, replicated_weight, labels),
        "Shard(1) loss_parallel weighted": ((Shard(1),), (Replicate(),), loss_parallel, weight, DATA["labels"]),
    }
    for name, (x_place, t_place, context, case_weight, targets) in cases.items():
        results = []
        for loss in (mf.cross_entropy, F.cross_entropy):
            x = distribute_tensor(logits.clone(), mesh, x_place).requires_grad_()
            t = distribute_tensor(targets, mesh, t_place)
            with context() if context else _nothing():
                value = loss(x, t, weight=case_weight)
                value.backward()
            results.append((_full(value), _full(x.grad)))
        expected = logits.clone().requires_grad_()
        F.cross_entropy(expected, targets, weight=None if case_weight is None else weight).backward()
        (ours, our_grad), (own, own_grad) = results
        close(ours, own, f"DTensor {name}: value vs torch's own")
        close(our_grad, own_grad, f"DTensor {name}: gradient vs torch's own")
        close(our_grad, expected.grad, f"DTensor {name}: gradient vs one device")


# The class-index losses of the other interfaces on torch, as loss(logits, labels) -> a mean. With
# integer labels and no weights each is the mean softmax cross-entropy, torch's F.cross_entropy.
OTHER_INTERFACES = {
    "keras SparseCategoricalCrossentropy": lambda x, t: mk.SparseCategoricalCrossentropy(from_logits=True)(t, x),
    "keras sparse_categorical_crossentropy": (
        lambda x, t: mk.sparse_categorical_crossentropy(t, x, from_logits=True).mean()),
    "tf.losses sparse_softmax_cross_entropy": lambda x, t: mtl.sparse_softmax_cross_entropy(t, x),
    "tf.nn sparse_softmax_cross_entropy_with_logits": (
        lambda x, t: mtn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=x).mean()),
}


def check_dtensor_other_interfaces(rank):
    """Logits sharded along the class axis, with and without loss_parallel(): every interface's
    class-index loss gives the one-device value and gradient of torch's own cross-entropy."""
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor import Replicate, Shard, distribute_tensor
    from torch.distributed.tensor.parallel import loss_parallel

    mesh = init_device_mesh("cpu", (WORLD,))
    logits, labels = DATA["logits"], DATA["labels"]
    expected = logits.clone().requires_grad_()
    expected_value = F.cross_entropy(expected, labels)
    expected_value.backward()
    for name, loss in OTHER_INTERFACES.items():
        for context in (_nothing, loss_parallel):
            x = distribute_tensor(logits.clone(), mesh, (Shard(1),)).requires_grad_()
            t = distribute_tensor(labels, mesh, (Replicate(),))
            with context():
                value = loss(x, t)
                value.backward()
            where = f"DTensor Shard(1){' loss_parallel' if context is loss_parallel else ''} {name}"
            close(_full(value), expected_value.detach(), f"{where}: value vs one device")
            close(_full(x.grad), expected.grad, f"{where}: gradient vs one device")


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def rank_main(rank, port):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=WORLD)
    try:
        check_wrapped(rank, torch.nn.parallel.DistributedDataParallel, "DDP")
        check_compiled_in_ddp(rank)
        from torch.distributed.fsdp import fully_shard
        check_wrapped(rank, fully_shard, "FSDP2")
        check_global_mean(rank)
        check_dtensor(rank)
        check_dtensor_other_interfaces(rank)
    finally:
        dist.destroy_process_group()


class _CountSyncs(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func is torch.ops.aten._local_scalar_dense.default:
            self.count += 1
        return func(*args, **(kwargs or {}))


def check_host_syncs():
    """PyTorch's class-index losses read nothing back to the host; nor may their mirrors.
    The Keras and TF mirrors check label ranges as TF's CPU kernel does, with one read."""
    logits, labels = DATA["logits"], DATA["ignored"]
    ints = DATA["labels"]
    calls = {
        "cross_entropy": (lambda: mf.cross_entropy(logits, labels, weight=DATA["weight"]), 0),
        "nll_loss": (lambda: mf.nll_loss(torch.log_softmax(logits, 1), labels), 0),
        "mse_loss": (lambda: mf.mse_loss(DATA["prediction"], DATA["target"]), 0),
        "keras sparse_categorical_crossentropy": (
            lambda: mk.sparse_categorical_crossentropy(ints, logits, from_logits=True), 1),
        "tf.nn sparse_softmax_cross_entropy_with_logits": (
            lambda: mtn.sparse_softmax_cross_entropy_with_logits(ints, logits), 1),
    }
    for name, (call, allowed) in calls.items():
        call()  # warm: first calls fill dispatch caches
        with _CountSyncs() as mode:
            call()
        assert mode.count <= allowed, f"{name}: {mode.count} host syncs per call (allowed {allowed})"
    try:
        mf.cross_entropy(logits, torch.tensor([0, 9] + [1] * 14))
    except IndexError as error:
        assert str(error) == "Target 9 is out of bounds.", str(error)
    else:
        raise AssertionError("cross_entropy: no IndexError for a target out of range")


def check_compile():
    """fullgraph=True: a graph break raises."""
    logits = DATA["logits"].clone().requires_grad_()
    for name, call in {
        "cross_entropy": lambda x: mf.cross_entropy(x, DATA["ignored"], weight=DATA["weight"]),
        "CrossEntropyLoss smoothing": lambda x: mp_nn.CrossEntropyLoss(label_smoothing=0.1)(x, DATA["labels"]),
        "mse_loss": lambda x: mf.mse_loss(x, DATA["logits"] * 0.5),
    }.items():
        torch._dynamo.reset()
        compiled = torch.compile(call, fullgraph=True, backend="eager")
        close(compiled(logits).detach(), call(logits).detach(), f"torch.compile {name}")


def main():
    check_host_syncs()
    check_compile()
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 29517
    mp.spawn(rank_main, args=(port,), nprocs=WORLD, join=True)
    print("ok")


if __name__ == "__main__":
    main()
