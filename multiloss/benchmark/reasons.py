"""Why each line of the benchmark that misses a target misses it: measured causes, by row.

Looked up by :func:`multiloss.benchmark.report.reason`; a line with no entry here says
"not yet analysed" on the page.
"""

# Why a line misses a target, where the cause is measured: (row, backend, mode, size) -> reason,
# first match wins. ``row`` is a row's name as the page prints it without its input label
# (``pytorch.functional.cross_entropy``), or an interface prefix ending in "." (``keras.``);
# None in the other fields matches any value.
_TORCH_PYTHON = (
    "torch's own kernel (the reference's) is called once; the rest is per-call Python: dispatch, the "
    "shape, dtype and argument checks torch makes in C++, the reduction: 5-8 µs against a 2-7 µs kernel")
_TORCH_KERNEL_AND_MEAN = (
    "torch's own kernel, unreduced, then the mean (taken by multiloss so that an empty batch gives "
    "NaN or 0 where torch returns uninitialised memory), plus 5-8 µs of per-call Python checks "
    "against a 2-4 µs kernel (11.3 µs vs 2.2 µs measured for multi_margin_loss)")
_TORCH_GUARDS = (
    "the same one-kernel graph as the reference; torch.compile re-checks about 100 guards on "
    "multiloss' Python state per call against the reference's 10 (1.0x measured alone, 80 vs 81 µs; "
    "the gap shows under load)")
_TORCH_TF_SIGMOID = (
    "TensorFlow's formula, max(x, 0) - x y + log1p(exp(-|x|)), in 8 passes; the reference is torch's "
    "fused BCE-with-logits kernel, which gives NaN where TensorFlow gives inf (x = -inf, y = 1) and "
    "cannot stand in. Both are bound by torch's CPU log1p, which is not vectorised: 8.5 ms per 1e6 "
    "float32 against 1.0 ms for log (measured)")
_TORCH_KERAS_FLOOR = (
    "Keras 3 on torch is this line's Keras comparison (for a keras. row, its reference): the same few "
    "torch ops behind Keras' Python layer, 22-240 µs per call; multiloss runs as many torch ops behind "
    "its own dispatch and checks, 15-80 µs (bench JSON, eager small: mean_squared_error 14.6 vs 30.2 µs, "
    "categorical_crossentropy 17.2 vs 22.2, binary_crossentropy from logits 24.3 vs 30.4, "
    "kl_divergence 19.2 vs 56.8): 5x would need a call cheaper than its torch ops alone")
_TORCH_INTERFACE_PYTHON = (
    "the same torch kernels as the reference (profiled: huber_loss is huber_loss + mean, kl_div is "
    "xlogy, mul, sub, mean, as torch's own), behind the interface's per-call Python: dispatch, "
    "PyTorch's size warning and broadcast checks, dtype promotion, the reduction (cProfile of "
    "huber_loss 32x5: 28 µs vs 11 µs for torch's, 0 extra kernels)")
_TORCH_TF_PYTHON = (
    "the reference is a bare torch expression of the math, with none of TF's checks; multiloss runs "
    "the same torch ops (absolute_difference: sub, abs, mean) behind TF v1's Python: each argument "
    "converted and cast, the shapes' compatibility, compute_weighted_loss's weight and reduction "
    "handling (cProfile 32x5: 10-20 µs of Python around a 5 µs kernel)")
_TORCH_COMPILED_GUARDS = (
    "both sides compile to the same fused inductor graph; multiloss' Python (dispatch cache, defaults, "
    "dtype and shape checks) is traced into guards that torch.compile re-checks on every call, a fixed "
    "10-30 µs that shows at 32 samples and in the loaded machine's large lines (cross_entropy: about "
    "100 guards against the reference's 10, 1.0x measured alone)")
_TORCH_LARGE_NOISE = (
    "the same kernels and passes as the reference (torch.profiler op list identical: the loss's kernel, "
    "then its mean); timed alone, interleaved, 1000x1000: huber_loss 242 vs 234 µs, mse_loss 292-314 vs "
    "477-639 µs, kl_div's xlogy/mul/sub/mean as torch's own. The page's gap is the shared machine (load 4-8 "
    "on 2 cores during the run)")
_TORCH_WHERE = (
    "torch.where and bool masks are not vectorised on torch's CPU (a where over 1e6 float32: 3.7-4.1 ms "
    "against 0.09 ms for clamp); without a gradient these rows now take relu and amax, and the 0/1 "
    "label test reads its verdict as Keras' cond does. Timed alone at 1000x1000, best of 27 "
    "interleaved: CategoricalHinge 4.3-4.9 ms vs Keras 4.8-5.2 ms, Hinge 14.0-16.9 vs 12.3-14.9 ms (the "
    "label test's two == and an all, which Keras makes too, dominate); the page's 4-8x for the classes "
    "against 0.1-1.2x for the same functions in one run is the loaded machine. Under autograd TF's "
    "derivative at the kink keeps the where")
_TORCH_KERAS_LARGE_NOISE = (
    "the same torch ops as Keras' own, and aliases of one function measure apart in the same run: "
    "poisson 0.45x vs Poisson 2.44x, log_cosh 0.98x vs LogCosh 3.30x, msle 1.14x, MSLE 1.26x, "
    "mean_squared_logarithmic_error 2.45x, MeanSquaredLogarithmicError 0.71x: the gap is the shared "
    "machine (load 4-8 on 2 cores), not the loss")
_TORCH_TF_LARGE_NOISE = (
    "no extra full-size pass against the reference (softmax_cross_entropy: torch's cross_entropy on "
    "probabilities, as the reference, plus a (N,) weighting; timed alone at 1000x1000: 6.89 vs 6.61 ms, "
    "v1 wrapper 7.14 ms); these lines moved by 0.1-0.5x between two runs of unchanged code "
    "(sparse_softmax_cross_entropy_with_logits 1.00x, then 1.24x)")
_TORCH_KERAS_BCE_MEMORY = (
    "multiloss computes Keras-on-TensorFlow's formula (the mirrored one: the clip, then "
    "y log(p + eps) + (1 - y) log(1 - p + eps)), with up to 5 input-sized temporaries alive; Keras on "
    "torch, the reference, hands the clipped probabilities to torch's fused BCE kernel (logs clamped at "
    "-100, another value near 0 and 1), 2 buffers. It is 6x faster than that reference all the same")
_TORCH_IOU = (
    "the same op list as the reference (two torch.where for torchvision's masked intersection, the "
    "areas, the clamped log; the reference also computes three terms it doesn't use); timed alone, "
    "best of 45 interleaved: 9.3 vs 8.3 ms at 250000 boxes, while the reference's own time moved from "
    "8.3 to 23 ms between rounds on the loaded machine")
_TORCH_KERAS_SPARSE = (
    "Keras-on-TensorFlow's formula (the mirrored one): log of the clipped probabilities taken as "
    "logits, then a log-softmax: clamp, log and log_softmax passes over 1e6 elements (torch.profiler: "
    "12, 12 and 15 ms self time of 40 ms over 3 calls); Keras on torch, the reference here, "
    "normalises and takes one log, a different value for rows that do not sum to 1")

_JAX_HANDOFF = (
    "both compiled programs estimate at least the 1000 flops (XLA's cost analysis) above which "
    "PJRT's CPU client runs a call on a worker thread instead of inline, so the time is that "
    "thread hand-off (5 to 100 µs on the loaded machine) and the ratio its noise: at 32x5 "
    "weighted_cross_entropy 1600 vs 1600, LogCosh 1792 vs 1792, nll_loss K-dim 2879 vs 1537, "
    "circle 75k vs 48k; or both below and both inline, a 6 µs call where the extra 32-64 flops "
    "(sparse_categorical_crossentropy 992 vs 960) are within the noise")
_JAX_SAME_PROGRAM = (
    "the same compiled program as the reference's by XLA's cost analysis (equal flops, equal bytes "
    "accessed, as many fusions and reductions, within 0.1%): what is left is timing noise of the "
    "loaded machine on a memory-bound pass")
_JAX_FEWER_FLOPS = (
    "the compiled program estimates fewer flops than the reference's (7 against 8 Mflop) over the "
    "same or fewer bytes (7.6 MB; keras.huber 7.6 against 15.3) in as many fusions: timing noise of "
    "the loaded machine, not more work")
_JAX_IGNORE_INDEX = (
    "class indices: torch's ignore_index (a select per target and the mean over the targets not "
    "ignored) adds one fusion and one reduction to the reference's program (7 fusions and 4 "
    "reductions against 6 and 3, the same 11.5 MB read); class probabilities: the same program "
    "(5.97 Mflop, 19.0 MB, 5 fusions both)")
_JAX_KERAS_SPARSE = (
    "Keras-on-TensorFlow's formula (the mirrored one): log of the clipped probabilities taken as "
    "logits, then a log-softmax, 2 transcendentals per element and 22.9 MB accessed against the "
    "reference's (Keras on JAX) 1 and 15.3 MB, which normalises and takes one log, a different value "
    "for rows that do not sum to 1")
_JAX_TF_SPARSE = (
    "15.3 MB accessed against 11.5 MB by XLA's cost analysis, one more pass over the 1000x1000 "
    "logits, at the same flops (one fusion fewer); which buffer XLA writes out is not traced "
    "further")
_JAX_BCE = (
    "17 Mflop against the native expression's 8 over the same 7.6 MB (XLA cost analysis): "
    "torch's semantics (the [0, 1] value checks and the log's clamp at -100) cost 9 more "
    "elementwise ops per element; not split further by op")
_JAX_FOCAL = (
    "20 Mflop and 42.0 MB accessed against 18 and 34.3 (XLA cost analysis, same 5 fusions): two "
    "more elementwise ops per element and one more pass; not split further by op")
_JAX_CIRCLE = (
    "75.5 MB accessed in 18 fusions and 6 reductions against 38.2 MB in 10 and 4 (XLA cost "
    "analysis, 1000x1000): twice the memory traffic of the reference's program; not traced to "
    "the ops that cause it")

REASONS = {
    ("pytorch.functional.binary_cross_entropy_with_logits", "torch", None, None): (
        "per-call Python work (dispatch, the argument and broadcast checks torch makes in C++, the "
        "reduction) around torch's own kernel, which it calls"),
    ("pytorch.BCEWithLogitsLoss", "torch", None, None): "as binary_cross_entropy_with_logits",
    # -- torch ---------------------------------------------------------------------------------
    # Eager, small: the loss is torch's own kernel (the reference's), called once; what is left is
    # per-call Python. Measured on the bench page: 11.6 µs vs 3.8 µs for nll_loss (32x4x2x3),
    # 11.3 vs 2.2 for multi_margin_loss, 11.4 vs 6.8 for cross_entropy (32x5); the unbatched and
    # K-dim "large" inputs of nll_loss are µs-sized calls too.
    **{(row, "torch", "eager", None): _TORCH_PYTHON for row in (
        "pytorch.functional.cross_entropy", "pytorch.functional.nll_loss", "pytorch.CrossEntropyLoss",
        "pytorch.NLLLoss", "pytorch.functional.binary_cross_entropy", "pytorch.BCELoss",
        "pytorch.functional.binary_cross_entropy_with_logits", "pytorch.BCEWithLogitsLoss",
        "pytorch.functional.pairwise_distance", "pytorch.PairwiseDistance")},
    **{(row, "torch", "eager", "small"): _TORCH_KERNEL_AND_MEAN for row in (
        "pytorch.functional.multi_margin_loss", "pytorch.MultiMarginLoss",
        "pytorch.functional.multilabel_margin_loss", "pytorch.MultiLabelMarginLoss")},
    # Compiled: both sides trace to the same graph of torch's kernel (TORCH_LOGS=graph_code);
    # multiloss' Python (dispatch cache, defaults, checks) adds guards: about 100 against 10.
    **{(row, "torch", "compiled", None): _TORCH_GUARDS for row in (
        "pytorch.functional.cross_entropy", "pytorch.functional.nll_loss", "pytorch.CrossEntropyLoss",
        "pytorch.NLLLoss", "pytorch.functional.multi_margin_loss", "pytorch.MultiMarginLoss",
        "pytorch.functional.multilabel_margin_loss", "pytorch.MultiLabelMarginLoss",
        "pytorch.functional.binary_cross_entropy", "pytorch.BCELoss",
        "pytorch.functional.binary_cross_entropy_with_logits", "pytorch.BCEWithLogitsLoss",
        "pytorch.functional.pairwise_distance", "pytorch.PairwiseDistance")},
    ("tf.nn.sigmoid_cross_entropy_with_logits", "torch", None, "large"): _TORCH_TF_SIGMOID,
    ("tf.losses.sigmoid_cross_entropy", "torch", None, "large"): _TORCH_TF_SIGMOID,
    ("keras.binary_crossentropy", "torch", None, "large"): _TORCH_TF_SIGMOID,
    ("keras.BinaryCrossentropy", "torch", None, "large"): _TORCH_TF_SIGMOID,
    ("keras.sparse_categorical_crossentropy", "torch", None, "large"): _TORCH_KERAS_SPARSE,
    ("keras.SparseCategoricalCrossentropy", "torch", None, "large"): _TORCH_KERAS_SPARSE,
    ("keras.", "torch", "eager", "small"): _TORCH_KERAS_FLOOR,
    **{(row, "torch", None, "large"): _TORCH_WHERE for row in (
        "keras.hinge", "keras.squared_hinge", "keras.categorical_hinge", "keras.Hinge", "keras.SquaredHinge",
        "keras.CategoricalHinge")},
    ("pytorch.", "torch", "eager", "small"): _TORCH_INTERFACE_PYTHON,
    ("tf.", "torch", "eager", "small"): _TORCH_TF_PYTHON,
    ("torchvision.", "torch", "eager", "small"): _TORCH_KERAS_FLOOR,
    ("pytorch.", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("tf.", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("torchvision.", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("keras.", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("pytorch.", "torch", "eager", "large"): _TORCH_LARGE_NOISE,
    ("keras.bce", "torch", "eager", "large"): _TORCH_KERAS_BCE_MEMORY,
    ("keras.BCE", "torch", "eager", "large"): _TORCH_KERAS_BCE_MEMORY,
    ("keras.circle", "torch", "eager", "large"): (
        "not profiled: the class and the function (the same code) both measure 1.26-1.39x in one run, "
        "and the compiled line 0.99x; its pairwise matmul and masks are the reference's"),
    ("keras.Circle", "torch", "eager", "large"): "as keras.circle",
    ("keras.", "torch", "eager", "large"): _TORCH_KERAS_LARGE_NOISE,
    ("tf.", "torch", "eager", "large"): _TORCH_TF_LARGE_NOISE,
    ("iou_loss", "torch", None, "large"): _TORCH_IOU,
    ("balanced_sigmoid_cross_entropy", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("dice_loss", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    # -- jax ----------------------------------------------------------------------------------
    ("pytorch.functional.kl_div", "jax", "eager", None): (
        "reduction='mean' emits PyTorch's warning on every call, and a call that warns is never "
        "compiled (so that it keeps warning per call): it runs as plain eager ops, one dispatch each"),
    ("pytorch.KLDivLoss", "jax", "eager", None): "as kl_div: its default 'mean' warns on every call",
    ("pytorch.functional.binary_cross_entropy", "jax", "eager", None): (
        "one compiled call plus one host read of its [0, 1] check verdict (torch checks in its kernel, "
        "the native expression checks nothing): 144 µs vs 31 µs for the same program under jax.jit "
        "without the read (min of 11 interleaved rounds, loaded machine)"),
    ("pytorch.BCELoss", "jax", "eager", None): "as binary_cross_entropy: the host read of the [0, 1] check",
    ("tf.nn.softmax_cross_entropy_with_logits", "jax", None, None): (
        "TF's gradient for labels whose rows don't sum to 1 needs lse - stop_gradient(lse), a second "
        "logsumexp pass: its compiled program has 5 reductions, 2 exps and 9 fusions at 1000x1000, "
        "optax.softmax_cross_entropy's 3, 1 and 5"),
    ("tf.losses.softmax_cross_entropy", "jax", None, None): (
        "tf.nn.softmax_cross_entropy_with_logits' second logsumexp pass (TF's gradient rule), see there"),
    # Compiled, small: PJRT's CPU client runs a program inline in the caller's thread only when
    # XLA's cost analysis estimates it below 1000 flops; above, it hands each call to a worker
    # thread, which costs 5 to 100 µs on a loaded 2-core machine around < 1 µs of arithmetic at
    # 32x5. The lines at 4-15x were programs of about 1000-1650 estimated flops against their
    # reference's 830-990 (one multiply or select per element more); they now count as few.
    **{(row, "jax", "compiled", "small"): _JAX_HANDOFF for row in ("keras.", "pytorch.", "tf.")},
    # Compiled, large: the two compiled programs compared by XLA's cost analysis (flops, bytes
    # accessed) and their fusions and reductions, at the benchmark's 1000x1000.
    **{(row, "jax", "compiled", "large"): _JAX_SAME_PROGRAM for row in (
        "pytorch.MSELoss", "keras.mean_absolute_percentage_error", "keras.mean_squared_logarithmic_error",
        "keras.log_cosh", "keras.mse", "keras.MAPE", "keras.MeanSquaredError",
        "keras.MeanAbsolutePercentageError", "keras.LogCosh", "tf.losses.compute_weighted_loss",
        "keras.CategoricalFocalCrossentropy", "keras.binary_crossentropy", "keras.BinaryCrossentropy",
        "keras.KLDivergence", "keras.Poisson", "keras.dice", "keras.tversky", "keras.Dice", "keras.Tversky",
        "keras.categorical_hinge", "keras.CategoricalHinge", "keras.categorical_generalized_cross_entropy",
        "keras.CategoricalGeneralizedCrossEntropy")},
    **{(row, "jax", "compiled", "large"): _JAX_FEWER_FLOPS for row in (
        "pytorch.functional.huber_loss", "pytorch.functional.smooth_l1_loss", "pytorch.HuberLoss",
        "pytorch.SmoothL1Loss", "keras.huber", "keras.Huber", "tf.losses.huber_loss",
        "pytorch.functional.kl_div")},
    ("pytorch.functional.cross_entropy", "jax", "compiled", "large"): _JAX_IGNORE_INDEX,
    ("pytorch.CrossEntropyLoss", "jax", "compiled", "large"): _JAX_IGNORE_INDEX,
    ("pytorch.NLLLoss", "jax", "compiled", "large"): (
        "torch's ignore_index: a select per target and the mean over the targets not ignored, a "
        "second reduction (5 fusions and 2 reductions against 3 and 1; 16 kflop against 8, the same "
        "3.8 MB read): a µs-sized gather where each extra fusion is a visible share"),
    ("pytorch.functional.nll_loss", "jax", "compiled", None): (
        "as NLLLoss: the ignore_index select and the mean's divisor, two more fusions"),
    ("keras.sparse_categorical_crossentropy", "jax", None, None): _JAX_KERAS_SPARSE,
    ("keras.SparseCategoricalCrossentropy", "jax", None, None): _JAX_KERAS_SPARSE,
    ("tf.losses.sparse_softmax_cross_entropy", "jax", "compiled", "large"): _JAX_TF_SPARSE,
    ("tf.nn.sparse_softmax_cross_entropy_with_logits", "jax", "compiled", "large"): _JAX_TF_SPARSE,
    ("pytorch.functional.binary_cross_entropy", "jax", "compiled", "large"): _JAX_BCE,
    ("pytorch.BCELoss", "jax", "compiled", "large"): _JAX_BCE,
    ("keras.binary_focal_crossentropy", "jax", "compiled", "large"): _JAX_FOCAL,
    ("keras.BinaryFocalCrossentropy", "jax", "compiled", "large"): _JAX_FOCAL,
    ("pytorch.GaussianNLLLoss", "jax", "compiled", "large"): (
        "11 Mflop and 19.1 MB accessed in 3 fusions against the native expression's 7 Mflop, 11.4 MB "
        "and 2 (XLA cost analysis): one more pass over a 1000x1000 input; not traced to its op"),
    ("pytorch.CrossEntropyLoss", "jax", "eager", "small"): (
        "one compiled call's floor, as the keras. eager small lines (jit dispatch plus per-call "
        "signature work), against Keras 3's eager sparse cross-entropy of a few ops"),
    ("keras.circle", "jax", "compiled", "large"): _JAX_CIRCLE,
    ("keras.Circle", "jax", "compiled", "large"): _JAX_CIRCLE,
    ("keras.", "jax", "eager", "small"): (
        "the floor of one compiled call: a jit dispatch plus about 5 µs of per-call signature work "
        "(mse: 11 µs vs 6.6 µs for the same jitted program); Keras 3's eager call of these few-op "
        "losses costs less than 5 such calls (kld: 52 µs vs Keras 189 µs, min of 11 rounds)"),
    # -- tensorflow --------------------------------------------------------------------------------
    ("pytorch.functional.cross_entropy", "tensorflow", "eager", None): (
        "14 eager ops against the reference's 3 (counted, (N, C) input): log_softmax, torch's "
        "ignore_index mask (Equal, SelectV2), the gather, Neg and SelectV2, the mean's divisor (the mask "
        "again, LogicalNot, Cast, Sum), Sum and Div; torch's default ignore_index -100 is outside the "
        "label range of TF's fused kernel, so that kernel can't take the loss without a host read of the "
        "labels. (N, C, d) input: 42 ops against 17, the generic gather moving the class axis last"),
    ("pytorch.CrossEntropyLoss", "tensorflow", "eager", None): "as pytorch.functional.cross_entropy",
    ("pytorch.functional.nll_loss", "tensorflow", "eager", None): (
        "as pytorch.functional.cross_entropy, less its log_softmax"),
    ("pytorch.NLLLoss", "tensorflow", "eager", None): "as pytorch.functional.nll_loss",
    ("pytorch.functional.binary_cross_entropy", "tensorflow", "eager", None): (
        "35 eager ops against the reference's 11 (counted): the eager check that input and target lie "
        "in [0, 1], as torch makes it (13 ops and one host read), and the zero-valued term that carries "
        "torch's backward formula (p - y) / max(p (1 - p), 1e-12) (8 ops)"),
    ("pytorch.BCELoss", "tensorflow", "eager", None): "as pytorch.functional.binary_cross_entropy",
    ("keras.", "tensorflow", "eager", "small"): (
        "Keras 3 on TensorFlow, the reference of these rows, runs the same TF kernels: eager ops per "
        "call, Keras / multiloss, counted: mean_squared_error 3 / 2, MeanAbsolutePercentageError 12 / 8, "
        "categorical_crossentropy 8 / 8, binary_crossentropy from logits 11 / 11, BinaryCrossentropy "
        "17 / 13; what is left to gain is Keras' Python layer, 1-4x here, not 5x"),
    ("pytorch.functional.gaussian_nll_loss", "tensorflow", "eager", None): (
        "PyTorch's clamp of var without its gradient (clip, two stop_gradients, var - var, the where: "
        "5 eager ops the reference's plain maximum doesn't make) and the eager var >= 0 check (Less, "
        "Any and one host read): 1.7x measured alone at 1e6 (14.5 vs 8.5 ms), 2-4x at 32 samples"),
    ("pytorch.GaussianNLLLoss", "tensorflow", "eager", None): "as gaussian_nll_loss: the gradient-free clamp",
    ("keras.categorical_hinge", "tensorflow", None, "large"): (
        "the max's tie-sharing gradient written out (== peak, cast, sum, where over zeros, sum, "
        "divide: 5 passes over N x C beside the reduce_max) where Keras' tf.reduce_max has that "
        "gradient built in; 2.2x measured alone eager (10.1 vs 4.5 ms), 1.35x compiled"),
    ("keras.CategoricalHinge", "tensorflow", None, "large"): "as keras.categorical_hinge: the tie-sharing max",
    ("keras.categorical_generalized_cross_entropy", "tensorflow", None, "large"): (
        "the index guard around Keras' one-hot product: the index clipped, its range mask (two compares "
        "and an and), a where over new zeros of N x C: 2 more N x C passes and 4 more eager ops than "
        "Keras' one_hot, product and sum; 4.0x measured alone eager (5.8 vs 1.5 ms)"),
    ("keras.CategoricalGeneralizedCrossEntropy", "tensorflow", None, "large"): (
        "as keras.categorical_generalized_cross_entropy: the index guard"),
    ("keras.hinge", "tensorflow", "eager", "large"): (
        "max(z, 0) with Keras' derivative at the kink written as where(z < 0, zeros, z): Less, ZerosLike "
        "and SelectV2 over 1e6 where Keras makes one Maximum; 1.5x measured alone (8.7 vs 5.7 ms)"),
    ("keras.Hinge", "tensorflow", "eager", "large"): "as keras.hinge: the kink's where",
    ("keras.squared_hinge", "tensorflow", "eager", "large"): "as keras.hinge: the kink's where",
    ("keras.SquaredHinge", "tensorflow", "eager", "large"): "as keras.hinge: the kink's where",
    ("keras.", "tensorflow", "eager", "large"): (
        "load noise: measured alone (interleaved, best of 15) kld 0.80x (5.8 vs 7.2 ms), "
        "mean_absolute_percentage_error 0.94x, circle 0.89x; these lines move by 1.5-2.5x between runs"),
    ("tf.losses.sparse_softmax_cross_entropy", "tensorflow", "eager", "large"): (
        "the same fused kernel and TF v1's weighting steps as the reference (tf.compat.v1's own "
        "function); 1.27x measured alone (15.2 vs 12.0 ms), not broken down further"),
    ("tf.", "tensorflow", "eager", "large"): (
        "TF's own formula op for op (weighted_cross_entropy_with_logits: 1.37x measured alone, 18.3 vs "
        "13.4 ms, its relu(-x) taken as where over new zeros for TF's value at -inf) or load noise "
        "(sigmoid_cross_entropy_with_logits 1.07x measured alone)"),
    ("pytorch.functional.kl_div", "tensorflow", "compiled", "large"): (
        "load noise: measured alone 0.61x (1.6 vs 2.6 ms, best of 15 interleaved)"),
    ("tf.losses.absolute_difference", "tensorflow", "compiled", "large"): (
        "not explained: the same fusions as the reference (HLO compared: one loop fusion and one "
        "YNNPACK reduce each), yet 1.45x alone (2.5 vs 1.7 ms)"),
    ("tf.losses.cosine_distance", "tensorflow", "compiled", "large"): "load noise: 1.04x measured alone",
    **{(prefix, "tensorflow", "compiled", "large"): (
        "XLA's CPU backend (TF 2.21) lowers a mean whose input fusion ends in a multiply as a tree of "
        "reduce-windows, and one ending in an add, subtract, divide or abs as its much faster YNNPACK "
        "reduce fusion: reduce_mean(x * y) 2.15 ms vs reduce_mean(x - y) 0.57 ms at 1e6 (measured). "
        "mape (100 |d| / |y|) ends in a multiply and gets 4 reduce-windows, Keras' form a YNNPACK reduce "
        "(HLO compared). Huber, which had the same cause, is now a subtract-rooted |d| m - m**2/2 in a "
        "graph (HuberLoss 1.2x, smooth_l1_loss 0.9x alone); keras.Huber has the same fusions as Keras' "
        "own (HLO compared). Other lines of this kind are within 1.05-1.25x, moving between runs")
        for prefix in ("pytorch.", "keras.", "tf.")},
    **{(prefix, "tensorflow", "compiled", "small"): (
        "one XLA call each, 460-550 µs per call on the loaded machine, almost all tf.function's call "
        "path; measured alone 1.02-1.14x (kl_div 512 vs 463 µs, tf.losses.sigmoid_cross_entropy 522 "
        "vs 459 µs, keras.kl_divergence 576 vs 553 µs)")
        for prefix in ("pytorch.", "keras.", "tf.")},
    **{(row, "tensorflow", "eager", "small"): (
        "Keras 3's counterpart runs the same TF kernels (binary_crossentropy from logits: 11 eager ops "
        "in Keras and in multiloss, counted); what is left to gain over it is Keras' Python layer, "
        "1.5-4.5x here, not 5x")
        for row in ("torchvision.sigmoid_focal_loss", "pytorch.BCEWithLogitsLoss",
                    "pytorch.functional.binary_cross_entropy_with_logits",
                    "tf.nn.sigmoid_cross_entropy_with_logits", "tf.losses.log_loss")},
    # -- numpy -------------------------------------------------------------------------------------
    ("pytorch.functional.binary_cross_entropy", "numpy", "eager", None): (
        "torch's [0, 1] check of input and target (four reductions, then a host-side verdict) and "
        "torch's log clamp at -100 and its 1 - p: 81 Python calls per call against the reference's 15 "
        "(cProfile, 32x5; it was 133 before the check became four reductions and clip stopped reading "
        "the dtype's name: 4.3x to 1.8x measured alone); at 1e6 the clamps are 2 more passes"),
    ("pytorch.BCELoss", "numpy", "eager", None): "as binary_cross_entropy: the [0, 1] check and the clamps",
    ("pytorch.functional.cross_entropy", "numpy", "eager", "large"): (
        "log_softmax in place (backends/_numpy.py) rounds bit for bit as the generic form (the strict "
        "namespace must agree with NumPy), which keeps the leading entry's term out of the sum: one "
        "masked zeroing and a count_nonzero more than the reference's 5 passes; measured alone at "
        "1000x1000: log_softmax 2.11 ms vs the reference's 1.94 ms (the generic form: 5.48 ms)"),
    ("pytorch.CrossEntropyLoss", "numpy", "eager", "large"): "as pytorch.functional.cross_entropy",
    ("pytorch.functional.nll_loss", "numpy", "eager", "large"): (
        "a µs-sized call at this size too (one gathered entry per sample, 34-70 µs): torch's "
        "ignore_index and weighted mean around the gather, the ignore mask, the range check (two "
        "reductions), the divisor's cast and sum: 12 NumPy calls against the reference's 3 "
        "(take_along_axis, negative, mean), as on the small lines"),
    ("pytorch.NLLLoss", "numpy", "eager", "large"): "as pytorch.functional.nll_loss",
    ("keras.categorical_generalized_cross_entropy", "numpy", "eager", "large"): (
        "the one-hot product of Keras' formula (one_hot of the clipped index, the in-range mask, a where, "
        "the product and its sum: 5 passes over N x C) is multiloss' and Keras' own; measured alone at "
        "1000x1000 5.5 ms vs Keras' 8.5 ms (0.65x): the page's line is load noise"),
    ("keras.CategoricalGeneralizedCrossEntropy", "numpy", "eager", "large"): (
        "as keras.categorical_generalized_cross_entropy (the one-hot product; 0.65x measured alone)"),
    ("keras.", "numpy", "eager", "small"): (
        "Keras 3's NumPy backend is itself plain NumPy calls with no tensor conversion or autodiff: "
        "28-190 µs per call at 32 samples against multiloss' 8-56 µs (page: mae 8 vs 37, "
        "categorical_crossentropy 16 vs 28, sparse_categorical_crossentropy 54 vs 56); 5x would need "
        "multiloss' call under Keras' by more than its fixed per-call Python"),
    ("keras.", "numpy", "eager", "large"): (
        "load noise: measured alone at 1e6 elements multiloss is faster than Keras' NumPy backend, the "
        "reference (hinge 8.8 vs 11.6 ms, categorical_hinge 5.8 vs 9.1 ms, MSLE 3.4 vs 8.1 ms; Keras "
        "makes 1000-1700 Python calls per call, multiloss 50-100)"),
    ("tf.nn.weighted_cross_entropy_with_logits", "numpy", "eager", "large"): (
        "TF's formula, op for op (its gradient at x = 0 is part of the mirrored semantics): "
        "1 + (q - 1) y, relu(-x) as where(x <= 0) over new zeros, |x|, exp, log1p, 1 - y and the "
        "products: about 14 passes against the reference's 6; 1.6x measured alone (14.0 vs 8.7 ms)"),
    ("torchvision.sigmoid_focal_loss", "numpy", "eager", "large"): (
        "torchvision's formula: sigmoid (generic, overflow-free: |x|, exp, where over two quotients), "
        "BCE with logits (log-sigmoid in 4 passes), p_t, (1 - p_t)**gamma and alpha_t: about 20 passes "
        "against the reference's 9 (1 / (1 + exp(-x)) and logaddexp); 1.9x measured alone (23 vs 12 ms)"),
    ("pytorch.functional.gaussian_nll_loss", "numpy", "eager", None): (
        "PyTorch's clamp of var, written so that autodiff sees none (clip, two stop_gradients, "
        "var - var, where: 4 passes that NumPy, without autodiff, does not need) and the eager "
        "var >= 0 check (compare, any, host read): 135 Python calls per call against the reference's "
        "15; 1.3x measured alone at 1e6, 4.7x at 32x5 (46 vs 10 µs)"),
    ("pytorch.GaussianNLLLoss", "numpy", "eager", None): "as gaussian_nll_loss: the autodiff-shaped clamp",
    ("pytorch.functional.binary_cross_entropy_with_logits", "numpy", "eager", "large"): (
        "PyTorch's form (1 - y) x - log_sigmoid(x), log-sigmoid generic (min(x, 0), |x|, -, exp, log1p): "
        "two input-sized temporaries live at once more than the reference's logaddexp, whose single "
        "ufunc keeps none (but is a scalar loop: 180 ms vs 20 ms per 1e6, see backends/_numpy.py)"),
    ("pytorch.BCEWithLogitsLoss", "numpy", "eager", "large"): "as binary_cross_entropy_with_logits",
    ("pytorch.functional.kl_div", "numpy", "eager", "large"): (
        "xlogy's double where (x == 0 mask, the safe y, the product, the log, the where over new zeros) "
        "holds two input-sized temporaries more than the reference's plain target * (log target - "
        "input); time within noise (0.86x measured alone)"),
    ("pytorch.KLDivLoss", "numpy", "eager", "large"): "as kl_div: xlogy's double where",
    ("balanced_sigmoid_cross_entropy", "numpy", "eager", "large"): (
        "peak memory at the bound, over it by less than 0.1 MB (22.9 MB vs 19.1 + 3.8 MB); time 0.2x"),
    ("pytorch.", "numpy", "eager", "large"): (
        "load noise: measured alone (interleaved, best of 7) l1_loss/mse_loss/kl_div/log_poisson "
        "at 1e6 are within 1.0-1.1x of the reference (mse 508 vs 511 µs, kl_div 13.2 vs 15.4 ms); "
        "one line (l1_loss) moved from 1.0x to 2.7x between two such runs"),
    ("tf.", "numpy", "eager", "large"): (
        "load noise: measured alone tf.losses.sigmoid_cross_entropy is 0.84x (4.8 vs 5.7 ms) and "
        "log_poisson_loss 1.06x; softmax_cross_entropy keeps TF's gradient term, a value-0 no-op here"),
    # Eager, small, every interface: the reference is a bare NumPy expression of 1-5 ufunc calls
    # (2-12 µs); multiloss adds the original's argument, dtype, shape and value checks, dispatch
    # and the reduction as Python calls.
    **{(prefix, "numpy", "eager", "small"): (
        "per-call Python around the same ufuncs: the original's argument, dtype, shape and value checks, "
        "dispatch and the reduction, against a reference that is a bare NumPy expression with no checks; "
        "cProfile, 32 samples: mse_loss 71 Python calls per call vs the reference's 15 (15.9 vs 11.1 µs), "
        "log_poisson_loss 51 vs 3 (9.1 vs 2.5 µs), pairwise_distance 81 vs 10 (39 vs 5 µs), "
        "margin_ranking_loss 105 vs 14, mean_pairwise_squared_error 94 vs 25, compute_average_loss 55 "
        "vs 10 (25 vs 5 µs), distance_box_iou_loss 77 vs 9; the interface costs 5-60 µs per call")
        for prefix in ("pytorch.", "tf.", "torchvision.")},
    ("iou_loss", "numpy", "eager", "small"): (
        "per-call Python (argument and box checks, dispatch, the reduction) around the ufuncs, as the "
        "interfaces' small lines"),
}
