"""Why a line of the benchmark misses a target, where measurement cannot say it: the semantics
that cost the extra ops (a mirrored formula, a gradient rule, a check the original makes), a
compiler's lowering, by row.

The page puts these after the reason generated from what was measured for the line
(``overhead``: ops, time outside them, calls per call; the spread of the re-measured rounds);
looked up by :func:`multiloss.benchmark.report.reason`.
"""

# What measurement cannot say about a line's miss: (row, backend, mode, size) -> text,
# first match wins. ``row`` is a row's name as the page prints it without its input label
# (``pytorch.functional.cross_entropy``), or an interface prefix ending in "." (``keras.``);
# None in the other fields matches any value.
_TORCH_PLAN_PYTHON = (
    "torch's own kernel (the ATen call under F's, its arguments bound once by the call's plan); left is "
    "the Python around a 2-3 µs kernel, measured in one process (nll_loss, 32x5: 3.1 µs against F's "
    "2.2): the plan's lookup 0.7 µs (the signature's tuple and the cache), the runner's per-call tests "
    "(an empty batch or a torch.func transform for the margin kernels) and the bound call 0.5 µs, the "
    "dispatch wrapper and the interface function's frame 0.3 µs")
_TORCH_TF_SIGMOID = (
    "TensorFlow's formula, max(x, 0) - x y + log1p(exp(-|x|)), in 8 passes; the reference is torch's "
    "fused BCE-with-logits kernel, which gives NaN where TensorFlow gives inf (x = -inf, y = 1) and "
    "cannot stand in. Both are bound by torch's CPU log1p, which is not vectorised: 8.5 ms per 1e6 "
    "float32 against 1.0 ms for log (measured)")
_TORCH_COMPILED_GUARDS = (
    "both sides compile to one graph of torch kernels (TORCH_LOGS=graph_code). A loss called with "
    "plain tensors and constant options is one node of Dynamo's graph, as torch's own function is (the "
    "fused wrapper's test of its arguments: about 11 guards more); a loss class' frames, and a loss "
    "given a function (a distance function), are traced, their frames and the plan's the guards "
    "beyond the reference's")
_TORCH_COMPILED_CTC = (
    "torch's CTC kernel makes outputs whose shapes depend on values: torch.compile breaks the graph at it "
    "and runs it eagerly (and refuses it under fullgraph=True), where multiloss traces its recursion "
    "over the frames into the graph, which compiles under fullgraph too: a compiled recursion against "
    "torch's eager kernel")
_TORCH_WHERE = (
    "torch.where and bool masks are not vectorised on torch's CPU (a where over 1e6 float32: 3.7-4.1 ms "
    "against 0.09 ms for clamp); without a gradient these rows now take relu and amax, and the 0/1 "
    "label test reads its verdict as Keras' cond does (its two == and an all, which Keras makes too). "
    "Under autograd TF's derivative at the kink keeps the where")
_TORCH_KERAS_BCE_MEMORY = (
    "multiloss computes Keras-on-TensorFlow's formula (the mirrored one: the clip, then "
    "y log(p + eps) + (1 - y) log(1 - p + eps)), with up to 5 input-sized temporaries alive; Keras on "
    "torch, the reference, hands the clipped probabilities to torch's fused BCE kernel (logs clamped at "
    "-100, another value near 0 and 1), 2 buffers. It is 6x faster than that reference all the same")
_TORCH_KERAS_SPARSE = (
    "Keras-on-TensorFlow's formula (the mirrored one): log of the clipped probabilities taken as "
    "logits, then a log-softmax: clamp, log and log_softmax passes over 1e6 elements (torch.profiler: "
    "12, 12 and 15 ms self time of 40 ms over 3 calls); Keras on torch, the reference here, "
    "normalises and takes one log, a different value for rows that do not sum to 1")

_JAX_HANDOFF = (
    "both compiled programs estimate at least the 1000 flops (XLA's cost analysis) above which "
    "PJRT's CPU client runs a call on a worker thread instead of inline, so the time is that "
    "thread hand-off: at 32x5 "
    "weighted_cross_entropy 1600 vs 1600, LogCosh 1792 vs 1792, nll_loss K-dim 2879 vs 1537, "
    "circle 75k vs 48k; or both below and both inline, a 6 µs call where the extra 32-64 flops "
    "(sparse_categorical_crossentropy 992 vs 960) are within the noise")
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
    # -- torch ---------------------------------------------------------------------------------
    # Eager, small: the loss is torch's own function (the reference), called once by the plan; what
    # is left is per-call Python (multiloss bench on a quiet machine: nll_loss 4.6 µs against 2.7,
    # multi_margin_loss 5.7 against 2.8, multilabel_margin_loss 8.0 against 4.6).
    **{(row, "torch", "eager", "small"): _TORCH_PLAN_PYTHON for row in (
        "pytorch.functional.multi_margin_loss", "pytorch.MultiMarginLoss",
        "pytorch.functional.multilabel_margin_loss", "pytorch.MultiLabelMarginLoss",
        "pytorch.functional.nll_loss", "pytorch.NLLLoss")},
    # Compiled: both sides trace to the same graph of torch's kernel; the guards are measured.
    **{(row, "torch", "compiled", None): _TORCH_COMPILED_GUARDS for row in (
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
    **{(row, "torch", None, "large"): _TORCH_WHERE for row in (
        "keras.hinge", "keras.squared_hinge", "keras.categorical_hinge", "keras.Hinge", "keras.SquaredHinge",
        "keras.CategoricalHinge")},
    **{(row, "torch", "compiled", None): _TORCH_COMPILED_CTC for row in (
        "pytorch.functional.ctc_loss", "pytorch.CTCLoss", "tf.nn.ctc_loss", "optax.ctc_loss", "keras.ctc",
        "keras.CTC")},
    ("pytorch.", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("tf.", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("torchvision.", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("keras.", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("keras.bce", "torch", "eager", "large"): _TORCH_KERAS_BCE_MEMORY,
    ("keras.BCE", "torch", "eager", "large"): _TORCH_KERAS_BCE_MEMORY,
    ("balanced_sigmoid_cross_entropy", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    ("dice_loss", "torch", "compiled", None): _TORCH_COMPILED_GUARDS,
    # -- jax ----------------------------------------------------------------------------------
    ("pytorch.functional.kl_div", "jax", "eager", None): (
        "reduction='mean' emits PyTorch's warning on every call, and a call that warns is never "
        "compiled (so that it keeps warning per call): it runs as plain eager ops, one dispatch each"),
    ("pytorch.KLDivLoss", "jax", "eager", None): "as kl_div: its default 'mean' warns on every call",
    ("pytorch.functional.binary_cross_entropy", "jax", "eager", None): (
        "one compiled call plus one host read of its [0, 1] check verdict (torch checks in its kernel, "
        "the native expression checks nothing)"),
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
    ("tf.losses.sparse_softmax_cross_entropy", "tensorflow", "eager", "large"): (
        "the same fused kernel and TF v1's weighting steps as the reference (tf.compat.v1's own "
        "function); 1.27x measured alone (15.2 vs 12.0 ms), not broken down further"),
    ("tf.", "tensorflow", "eager", "large"): (
        "TF's own formula op for op (weighted_cross_entropy_with_logits: its relu(-x) taken as where "
        "over new zeros for TF's value at -inf)"),
    ("tf.losses.absolute_difference", "tensorflow", "compiled", "large"): (
        "not explained: the same fusions as the reference (HLO compared: one loop fusion and one "
        "YNNPACK reduce each), yet 1.45x alone (2.5 vs 1.7 ms)"),
    **{(prefix, "tensorflow", "compiled", "large"): (
        "XLA's CPU backend (TF 2.21) lowers a mean whose input fusion ends in a multiply as a tree of "
        "reduce-windows, and one ending in an add, subtract, divide or abs as its much faster YNNPACK "
        "reduce fusion: reduce_mean(x * y) 2.15 ms vs reduce_mean(x - y) 0.57 ms at 1e6 (measured). "
        "mape (100 |d| / |y|) ends in a multiply and gets 4 reduce-windows, Keras' form a YNNPACK reduce "
        "(HLO compared). Huber, which had the same cause, is now a subtract-rooted |d| m - m**2/2 in a "
        "graph (HuberLoss 1.2x, smooth_l1_loss 0.9x alone); keras.Huber has the same fusions as Keras' "
        "own (HLO compared). Other lines of this kind are within 1.05-1.25x, moving between runs")
        for prefix in ("pytorch.", "keras.", "tf.")},
    # -- numpy -------------------------------------------------------------------------------------
    ("pytorch.functional.binary_cross_entropy", "numpy", "eager", None): (
        "torch's [0, 1] check of input and target (four reductions, then a host-side verdict), which "
        "the reference leaves out, and torch's log clamp at -100 and its 1 - p; by the call's plan, "
        "the gradient's term left out (NumPy has no autodiff): 42 Python calls per call against the "
        "reference's 14 (cProfile, 32x5; 81 before the plan); at 1e6 the clamps are 2 more passes"),
    ("pytorch.BCELoss", "numpy", "eager", None): "as binary_cross_entropy: the [0, 1] check and the clamps",
    ("pytorch.functional.cross_entropy", "numpy", "eager", "large"): (
        "on class probabilities, log_softmax in full (backends/_numpy.py), rounded bit for bit as the "
        "generic form (the strict namespace must agree with NumPy): the leading entry's term kept out "
        "of the sum costs a mask and its zeroing beyond the reference's passes (log_softmax 1.46 vs "
        "1.27 ms at 1000x1000); measured alone the whole loss is 2.07 vs 2.34 ms, 0.89x, so a ratio "
        "above 1.1 here is the machine's load (see the spread). Class indices take the picked "
        "entries only and are within the target"),
    ("pytorch.CrossEntropyLoss", "numpy", "eager", "large"): "as pytorch.functional.cross_entropy",
    ("pytorch.functional.multilabel_soft_margin_loss", "numpy", "eager", "large"): (
        "torch's formula, -(y log_sigmoid(x) + (1 - y) log_sigmoid(-x)), both log-sigmoids from one "
        "log1p(exp(-|x|)) (log_sigmoid_pair): 13 passes against the reference's 8, its BCE form "
        "max(x, 0) - x y + log1p(exp(-|x|)), which rounds otherwise; 1.5x measured alone (3.1 vs 2.1 ms)"),
    ("pytorch.MultiLabelSoftMarginLoss", "numpy", "eager", "large"): "as multilabel_soft_margin_loss: the formula",
    ("pytorch.functional.nll_loss", "numpy", "eager", "large"): (
        "a µs-sized call at this size too (one gathered entry per sample, 34-70 µs): torch's "
        "ignore_index and weighted mean around the gather, the ignore mask, the range check (two "
        "reductions), the divisor's cast and sum: 12 NumPy calls against the reference's 3 "
        "(take_along_axis, negative, mean), as on the small lines"),
    ("pytorch.NLLLoss", "numpy", "eager", "large"): "as pytorch.functional.nll_loss",
    ("tf.nn.weighted_cross_entropy_with_logits", "numpy", "eager", "large"): (
        "TF's formula, op for op (its gradient at x = 0 is part of the mirrored semantics): "
        "1 + (q - 1) y, relu(-x) as where(x <= 0) over new zeros, |x|, exp, log1p, 1 - y and the "
        "products: about 14 passes against the reference's 6; 1.6x measured alone (14.0 vs 8.7 ms)"),
    ("torchvision.sigmoid_focal_loss", "numpy", "eager", "large"): (
        "torchvision's formula: sigmoid (generic, overflow-free: |x|, exp, where over two quotients), "
        "BCE with logits (log-sigmoid in 4 passes), p_t, (1 - p_t)**gamma and alpha_t: about 20 passes "
        "against the reference's 9 (1 / (1 + exp(-x)) and logaddexp); 1.9x measured alone (23 vs 12 ms)"),
    ("pytorch.functional.gaussian_nll_loss", "numpy", "eager", None): (
        "PyTorch's eager var >= 0 check (compare, any, host read), which the reference leaves out; "
        "by the call's plan, var's clamp is one pass (the autodiff-shaped form is for the backends "
        "with autodiff): 28 Python calls per call, 135 before the plan (cProfile, 32x5)"),
    ("pytorch.GaussianNLLLoss", "numpy", "eager", None): "as gaussian_nll_loss: the var >= 0 check",
    ("pytorch.functional.binary_cross_entropy_with_logits", "numpy", "eager", "large"): (
        "PyTorch's form (1 - y) x - log_sigmoid(x), log-sigmoid generic (min(x, 0), |x|, -, exp, log1p): "
        "two input-sized temporaries live at once more than the reference's logaddexp, whose single "
        "ufunc keeps none (but is a scalar loop: 180 ms vs 20 ms per 1e6, see backends/_numpy.py)"),
    ("pytorch.BCEWithLogitsLoss", "numpy", "eager", "large"): "as binary_cross_entropy_with_logits",
    ("pytorch.functional.kl_div", "numpy", "eager", "large"): (
        "xlogy's double where (x == 0 mask, the safe y, the product, the log, the where over new zeros) "
        "holds two input-sized temporaries more than the reference's plain target * (log target - "
        "input)"),
    ("pytorch.KLDivLoss", "numpy", "eager", "large"): "as kl_div: xlogy's double where",
    ("balanced_sigmoid_cross_entropy", "numpy", "eager", "large"): (
        "peak memory at the bound, over it by less than 0.1 MB (22.9 MB vs 19.1 + 3.8 MB); time 0.2x"),
    ("tf.", "numpy", "eager", "large"): (
        "softmax_cross_entropy keeps TF's gradient term, a value-0 no-op here"),
    # Eager, small, every interface: the reference is a bare NumPy expression of 1-5 ufunc calls
    # (2-12 µs); multiloss adds the original's argument, dtype, shape and value checks, dispatch
    # and the reduction as Python calls.
}
