"""PyTorch side of `npm run bench` (bench/pytorch.mjs starts it).

A long-lived child process: one JSON command per line on stdin, one JSON
answer per line on stdout, so that Python's and torch's start-up cost is not
timed and its rounds can alternate with tensorfold's. Large arrays (initial
weights, MNIST batches, matmul operands) come as raw little-endian float32 /
int32 .bin files written by the node bench into a temp dir.

Runs at one thread (torch.set_num_threads(1); the node side also sets
OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1 and unsets OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE for this process only). Each timed call measures itself with
time.perf_counter(), so the pipe round trip is not timed either.

Run with Debian's interpreter: /usr/bin/python3 (apt-get install python3-torch
libopenblas0-pthread).
"""
import ctypes
import json
import os
import sys
import time

# Answers go to the real stdout only; anything else printed (warnings, stray
# prints) goes to stderr so that it cannot corrupt the protocol.
proto = os.fdopen(os.dup(1), 'w', buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def answer(obj):
    proto.write(json.dumps(obj) + '\n')


try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except Exception as e:  # torch (or numpy) missing: say so and stop
    answer({'ok': False, 'error': f'{type(e).__name__}: {e}', 'python': sys.executable})
    sys.exit(0)

torch.set_num_threads(1)
torch.manual_seed(0)


def blas_info():
    """The BLAS library torch's process loaded, and OpenBLAS's kernel (core) name and threads."""
    a = torch.randn(64, 64)
    (a @ a).sum().item()  # make sure the BLAS is loaded and initialised
    libs = sorted({line.split()[-1] for line in open('/proc/self/maps')
                   if ('blas' in line or 'lapack' in line) and '/' in line.split()[-1]})
    out = {'libraries': libs}
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            out.update(openblas_core=lib.openblas_get_corename().decode(),
                       openblas_config=lib.openblas_get_config().decode(),
                       openblas_threads=lib.openblas_get_num_threads())
            break
        except (OSError, AttributeError):
            continue
    return out


def conv_path():
    """Which aten kernel torch's CPU conv2d dispatches to (oneDNN or its own im2col + BLAS)."""
    conv = nn.Conv2d(6, 16, 5)
    x = torch.randn(64, 6, 12, 12, requires_grad=True)
    with torch.autograd.profiler.profile() as prof:
        conv(x).sum().backward()
    names = sorted({e.name for e in prof.function_events if 'conv' in e.name})
    return names


def info():
    cfg = torch.__config__.show()
    cap = [line.strip() for line in cfg.splitlines() if 'CPU capability' in line]
    return {
        'ok': True, 'python': sys.executable, 'pythonVersion': sys.version.split()[0],
        'torch': torch.__version__, 'numpy': np.__version__,
        'threads': torch.get_num_threads(), 'interopThreads': torch.get_num_interop_threads(),
        'cpuCapability': cap[0] if cap else None,
        'mkldnn': torch.backends.mkldnn.is_available(),
        'blas': blas_info(),
        'convOps': conv_path(),
        'env': {k: os.environ.get(k) for k in
                ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS')},
    }


def load(path, dtype, shape):
    return torch.from_numpy(np.fromfile(path, dtype=dtype).reshape(shape).copy())


# ------------------------------------------------------------ data

DATA = {}  # 'x': [N, 784] float32, 'y': [N] int64, 'mlp': [(w, b)], 'lenet': [(w, b)]


def load_data(cmd):
    n = cmd['n']
    DATA['x'] = load(cmd['x'], np.float32, (n, 784))
    DATA['y'] = load(cmd['y'], np.int32, (n,)).long()
    for net in ('mlp', 'lenet'):
        DATA[net] = [(load(p['w'], np.float32, p['wShape']), load(p['b'], np.float32, p['bShape']))
                     for p in cmd[net]]
    return {'ok': True}


def batches(batch, image):
    x, y = DATA['x'], DATA['y']
    if image:
        x = x.reshape(-1, 1, 28, 28)  # NHWC with C = 1 is NCHW with C = 1
    return [(x[i:i + batch].contiguous(), y[i:i + batch].contiguous()) for i in range(0, x.shape[0], batch)]


def dense_from(layer, w, b):
    """tensorfold's dense is x·W + b with W [in, out]; nn.Linear keeps W as [out, in]."""
    with torch.no_grad():
        layer.weight.copy_(w.t())
        layer.bias.copy_(b)


def mlp_model():
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    for layer, (w, b) in zip([model[0], model[2], model[4]], DATA['mlp']):
        dense_from(layer, w, b)
    return model


def lenet_model():
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    (c1w, c1b), (c2w, c2b), (d1w, d1b), (d2w, d2b), (d3w, d3b) = DATA['lenet']
    with torch.no_grad():
        for layer, w, b in ((model[0], c1w, c1b), (model[3], c2w, c2b)):
            layer.weight.copy_(w.permute(3, 2, 0, 1))  # [KH, KW, C, F] -> [F, C, KH, KW]
            layer.bias.copy_(b)
    # tensorfold flattens NHWC [B, 4, 4, 16] in (h, w, c) order, nn.Flatten NCHW in
    # (c, h, w) order: permute the rows of the first dense weight once, here.
    dense_from(model[7], d1w.reshape(4, 4, 16, 120).permute(2, 0, 1, 3).reshape(256, 120), d1b)
    dense_from(model[9], d2w, d2b)
    dense_from(model[11], d3w, d3b)
    return model


def optimizer(name, params):
    if name == 'sgd':
        return torch.optim.SGD(params, lr=0.01)
    if name == 'adam':
        return torch.optim.Adam(params, lr=1e-3)
    raise ValueError(f'unknown optimizer {name}')


CONTENDERS = {}


def new_trainer(cmd):
    """A training-step contender: cmd = {id, net: 'mlp' | 'lenet', batch, opt}."""
    model = mlp_model() if cmd['net'] == 'mlp' else lenet_model()
    data = batches(cmd['batch'], cmd['net'] == 'lenet')
    opt = optimizer(cmd['opt'], model.parameters())
    state = {'t': 0}

    def run(steps):
        loss = float('nan')
        cpu = time.process_time()
        start = time.perf_counter()
        for _ in range(steps):
            x, y = data[state['t'] % len(data)]
            state['t'] += 1
            opt.zero_grad(set_to_none=True)
            out = F.cross_entropy(model(x), y)
            out.backward()
            opt.step()
            loss = out.item()
        return (time.perf_counter() - start) * 1000, loss, (time.process_time() - cpu) * 1000

    CONTENDERS[cmd['id']] = run
    return {'ok': True}


def run_steps(cmd):
    ms, loss, cpu_ms = CONTENDERS[cmd['id']](cmd['steps'])
    return {'ok': True, 'ms': ms, 'loss': loss, 'cpuMs': cpu_ms}


# ------------------------------------------------------------ matmul

MATMUL = []


def matmul_load(cmd):
    MATMUL.clear()
    for c in cmd['cases']:
        a = load(c['a'], np.float32, c['sa'])
        b = load(c['b'], np.float32, c['sb'])
        # 'tn': A is stored [K, M]; 'nt': B is stored [N, K] (as in bench/matmul.mjs).
        # torch passes the transposed views to BLAS as transpose flags, no copy.
        av = a.t() if c['layout'] == 'tn' else a
        bv = b.t() if c['layout'] == 'nt' else b
        MATMUL.append((av, bv))
    return {'ok': True, 'n': len(MATMUL)}


def matmul_check(cmd):
    av, bv = MATMUL[cmd['i']]
    torch.mm(av, bv).numpy().astype(np.float32).tofile(cmd['out'])
    return {'ok': True}


def matmul_time(cmd):
    """[median, min] ms of torch.mm (new output each call), like timeMs in bench/matmul.mjs."""
    av, bv = MATMUL[cmd['i']]
    budget = cmd['budgetMs'] / 1000
    for _ in range(cmd.get('warm', 3)):
        torch.mm(av, bv)
    ts = []
    min_reps, max_reps = cmd.get('minReps', 5), cmd.get('maxReps', 40)
    start = time.perf_counter()
    while len(ts) < min_reps or (time.perf_counter() - start < budget and len(ts) < max_reps):
        t = time.perf_counter()
        torch.mm(av, bv)
        ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return {'ok': True, 'ms': [ts[len(ts) >> 1], ts[0]]}


# ------------------------------------------------------------ loop

COMMANDS = {
    'info': lambda cmd: info(),
    'load': load_data,
    'trainer': new_trainer,
    'run': run_steps,
    'matmulLoad': matmul_load,
    'matmulCheck': matmul_check,
    'matmulTime': matmul_time,
}

answer({'ok': True, 'ready': True, 'torch': torch.__version__})
for line in sys.stdin:
    if not line.strip():
        continue
    cmd = json.loads(line)
    if cmd.get('cmd') == 'quit':
        break
    try:
        answer(COMMANDS[cmd['cmd']](cmd))
    except Exception as e:  # report, keep serving
        answer({'ok': False, 'error': f'{type(e).__name__}: {e}'})
