"""Trace one training step of the ring GAN: every operation of its three moves, both passes.

    python demos/trace_step.py                          # non-saturating loss, width 16, batch 8
    python demos/trace_step.py --loss hinge --pack 1    # another loss, no PacGAN packing
    python demos/trace_step.py --loss wgan-gp --graph graphs        # and a picture of each move
    python demos/trace_step.py --model cgan             # a conditional GAN's step: the label's path
    python demos/trace_step.py --model infogan          # InfoGAN's step: the code's path through G and Q
    python demos/trace_step.py --model began            # BEGAN's step: D an autoencoder, then the controller
    python demos/trace_step.py --model cyclegan --width 2 --batch-size 2   # CycleGAN's: the cycle through G and F

The step is ``GANTrainer.step()`` itself (minigan/train/trainer.py), run once under
``minigan.trace()``. The table has one block per move:

1. D on real: D's forward on a real batch and the backward of its loss;
2. D on fake, G detached: G's forward under ``no_grad()`` (no graph, so no backward),
   D's forward on the fakes, and the backward, which stops at the fakes;
3. G through D: G's and D's forwards, and a backward through D into G that computes no
   gradient for D's weights (only G's are asked for).

A loss with a gradient penalty (``wgan-gp``, ``ns-r1``, ``ls-r1``) adds a block between
moves 2 and 3: D's input gradient, taken with ``create_graph=True``, and the penalty on
its norm, whose backward runs through that first backward's operations into D's weights.

Each block ends with the parameters that received a gradient in that move. ``--graph DIR``
also draws each block's graph (``Trace.draw``), one PNG per block.

``--model cgan`` or ``acgan`` traces ``ConditionalGANTrainer.step()`` instead
(minigan/train/conditional.py), on the conditional DCGAN of the digits
(minigan/models/conditional.py) at 8x8 and 10 classes, with a batch of random images and
labels for real data: the rows show where the label enters each network and which gradients
reach its learned rows (docs/conditional.md). ``--model infogan`` traces ``InfoGANTrainer.step()``
(minigan/train/infogan.py) on minigan/models/infogan.py's networks, 10 categorical values and
2 continuous codes: the rows show the code entering G and Q's heads reading it back
(docs/infogan.md). ``--model cyclegan`` traces ``CycleGANTrainer.step()``
(minigan/train/translation.py) on minigan/models/translation.py's networks at 16x16, one
residual block each, with random images for both domains: the rows show the cycle term's
gradient running back through F into G, and through G into F (docs/translation.md).
``--model began`` traces ``BEGANTrainer.step()`` (minigan/train/began.py) on
minigan/models/began.py's networks at 8x8, with k_0 = 0.5 so that both of D's terms count: each
move's loss is an autoencoder's reconstruction error, and the controller's update of k_t after
move 3 is arithmetic on arrays, outside the graph (docs/began.md).
"""

import os
import sys

from cli import Integer, OneLineParser, fail, import_minigan
from runs import run

MOVES = ("1. D on real", "2. D on fake (G detached)", "3. G through D")
PENALTY = "2b. gradient penalty"
CLASSES, IMAGE_SIZE = 10, 8  # the conditional models' digits: 10 classes of 8x8 images
FILES = dict(zip(MOVES + (PENALTY,), ("1-d-real.png", "2-d-fake.png", "3-g.png", "2b-penalty.png")))


def build_parser():
    """The command-line flags: small sizes by default, so that the table stays readable."""
    parser = OneLineParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loss", help="a GAN loss of minigan.gan.losses.LOSSES (default non-saturating; "
                        "least-squares for CycleGAN, its paper's)")
    parser.add_argument("--model", choices=("gan", "cgan", "acgan", "infogan", "cyclegan", "began"), default="gan",
                        help="gan: the ring GAN (default); cgan, acgan, infogan, began: the conditional DCGAN, InfoGAN "
                        "or BEGAN of the digits (BEGAN has no --loss); cyclegan: CycleGAN's four networks at 16x16 (--depth and --pack do not apply)")
    size = "a traced step keeps every array it makes; this is a table to read"
    parser.add_argument("--width", type=Integer(1, 256, size), default=16, help="hidden width of G and D")
    parser.add_argument("--depth", type=Integer(1, 16, size), default=2, help="hidden layers of G and D")
    parser.add_argument("--batch-size", type=Integer(1, 1024, size), default=8, help="samples per batch")
    parser.add_argument("--z-dim", type=Integer(1, 256, size), default=4, help="size of the noise vector")
    parser.add_argument("--pack", type=Integer(1, 64, size), default=2, help="PacGAN: samples per D input")
    parser.add_argument("--seed", type=Integer(0), default=1, help="random seed")
    parser.add_argument("--graph", metavar="DIR", help="also draw each move's graph, one PNG per move, in DIR")
    return parser


def make_trainer(args):
    """G, D, their Adam optimizers and the trainer, for the ring, at the sizes in ``args``."""
    import minigan
    from minigan import optim
    from minigan.data import ring
    from minigan.models import mlp_discriminator, mlp_generator
    from minigan.train import GANTrainer

    minigan.manual_seed(args.seed)
    G = mlp_generator(args.z_dim, 2, args.width, args.depth)
    D = mlp_discriminator(2, args.width, args.depth, args.pack)
    return GANTrainer(G, D, optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999)),
                      optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999)),
                      ring().sample, args.z_dim, args.batch_size, args.loss)


def make_conditional_trainer(args):
    """A conditional DCGAN's trainer (``args.model`` cgan or acgan) at 8x8 and 10 classes, its real
    batches random images and labels, at the sizes in ``args``."""
    import minigan
    from minigan import backend, optim
    from minigan.gan import get_loss
    from minigan.models import ACGANDiscriminator, ConditionalGenerator, ProjectionDiscriminator
    from minigan.train import ConditionalGANTrainer

    minigan.manual_seed(args.seed)
    G = ConditionalGenerator(args.z_dim, CLASSES, IMAGE_SIZE, width=args.width)
    acgan = args.model == "acgan"
    D = (ACGANDiscriminator if acgan else ProjectionDiscriminator)(
        CLASSES, IMAGE_SIZE, width=args.width, batch_norm=not get_loss(args.loss).has_penalty)

    def random_batch(n):
        """n images with pixels uniform in [-1, 1], and n labels: an op-free stand-in for the digits."""
        images = backend.rng().uniform(-1.0, 1.0, (n, 1, IMAGE_SIZE, IMAGE_SIZE)).astype("float32")
        return minigan.Tensor(images), backend.rng().integers(0, CLASSES, n)

    return ConditionalGANTrainer(G, D, optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999)),
                                 optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999)), random_batch, args.z_dim,
                                 CLASSES, args.batch_size, args.loss, acgan=acgan)


def make_infogan_trainer(args):
    """InfoGAN's trainer at 8x8, 10 categorical values and 2 continuous codes, its real batches
    random images, at the sizes in ``args``."""
    import minigan
    from minigan import backend, optim
    from minigan.gan import get_loss
    from minigan.models import InfoGANDiscriminator, InfoGANGenerator
    from minigan.train import InfoGANTrainer

    minigan.manual_seed(args.seed)
    G = InfoGANGenerator(args.z_dim, CLASSES, 2, IMAGE_SIZE, width=args.width)
    D = InfoGANDiscriminator(CLASSES, 2, IMAGE_SIZE, width=args.width, batch_norm=not get_loss(args.loss).has_penalty)

    def random_batch(n):
        """n images with pixels uniform in [-1, 1]: an op-free stand-in for the digits."""
        return minigan.Tensor(backend.rng().uniform(-1.0, 1.0, (n, 1, IMAGE_SIZE, IMAGE_SIZE)).astype("float32"))

    return InfoGANTrainer(G, D, optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999)),
                          optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999)), random_batch, args.z_dim,
                          CLASSES, 2, batch_size=args.batch_size, loss=args.loss)


def make_cyclegan_trainer(args):
    """CycleGAN's trainer at 16x16 with 3 channels in both domains, one residual block in each
    generator, its batches random images of A and of B, at the sizes in ``args``."""
    import minigan
    from minigan import backend, optim
    from minigan.models import DiscriminatorPair, GeneratorPair, PatchDiscriminator, ResNetGenerator
    from minigan.train import CycleGANTrainer

    minigan.manual_seed(args.seed)
    G = GeneratorPair(ResNetGenerator(3, 3, args.width, 1), ResNetGenerator(3, 3, args.width, 1))
    D = DiscriminatorPair(PatchDiscriminator(3, args.width), PatchDiscriminator(3, args.width))

    def random_batches(n):
        """n images of A and n of B with pixels uniform in [-1, 1]: op-free stand-ins for the digits."""
        a, b = (backend.rng().uniform(-1.0, 1.0, (n, 3, 16, 16)).astype("float32") for _ in range(2))
        return minigan.Tensor(a), minigan.Tensor(b)

    return CycleGANTrainer(G, D, optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999)),
                           optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999)), random_batches,
                           batch_size=args.batch_size, loss=args.loss, history_size=max(50, args.batch_size))


def mark_cyclegan_moves(trainer, t):
    """Make a ``CycleGANTrainer`` open a section of ``t`` as each of its moves begins: move 1 by
    drawing the batches, move 2 by G's forward under ``no_grad()`` (how the trainer detaches G
    and F), move 3 by the generators' losses."""
    from minigan import is_grad_enabled

    sample_real, G, losses = trainer.sample_real, trainer.generator.G, trainer.generator_losses
    forward = G.forward

    def real_batches(n):
        t.section(MOVES[0])
        return sample_real(n)

    def detached_forward(x):
        if not is_grad_enabled():
            t.section(MOVES[1])
        return forward(x)

    def generator_losses(a, b):
        t.section(MOVES[2])
        return losses(a, b)

    trainer.sample_real, G.forward, trainer.generator_losses = real_batches, detached_forward, generator_losses


def make_began_trainer(args):
    """BEGAN's trainer at 8x8 with k_0 = 0.5 (both of D's terms count), its real batches random
    images, at the sizes in ``args``."""
    import minigan
    from minigan import backend, optim
    from minigan.models import BEGANDiscriminator, BEGANGenerator
    from minigan.train import BEGANTrainer

    minigan.manual_seed(args.seed)
    G = BEGANGenerator(args.z_dim, IMAGE_SIZE, width=args.width)
    D = BEGANDiscriminator(IMAGE_SIZE, width=args.width, h_dim=args.z_dim)

    def random_batch(n):
        """n images with pixels uniform in [-1, 1]: an op-free stand-in for the digits."""
        return minigan.Tensor(backend.rng().uniform(-1.0, 1.0, (n, 1, IMAGE_SIZE, IMAGE_SIZE)).astype("float32"))

    return BEGANTrainer(G, D, optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999)),
                        optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999)), random_batch, args.z_dim, k=0.5,
                        batch_size=args.batch_size)


def mark_moves(trainer, t):
    """Make ``trainer`` open a section of ``t`` as each of its three moves, and its loss's
    gradient penalty, begins.

    Move 1 starts by drawing the real batch; moves 2 and 3 start by drawing noise, move 2
    under ``no_grad()`` (that is how the trainer detaches G), move 3 with gradients on.
    """
    from minigan import is_grad_enabled

    sample_real, noise, penalty = trainer.sample_real, trainer.noise, trainer.loss.penalty

    def real_batch(n):
        t.section(MOVES[0])
        return sample_real(n)

    def noise_batch(n):
        t.section(MOVES[2] if is_grad_enabled() else MOVES[1])
        return noise(n)

    def marked_penalty(*args):
        move = t.current_section
        t.section(PENALTY)
        try:
            return penalty(*args)
        finally:
            t.section(move)  # what D's loss does with the penalty is move 2's

    trainer.sample_real, trainer.noise = real_batch, noise_batch
    if trainer.loss.has_penalty:
        trainer.loss.penalty = marked_penalty


def draw_moves(t, folder):
    """Draw each move's graph in ``folder``, one PNG per move; a graph too large is a one-line error.

    Every move is checked before any is drawn, so that a refusal leaves no partial set.
    """
    from minigan.autograd.trace_graph import GraphTooLarge, build_graph

    try:
        for section in t.sections():
            build_graph(t, section)
    except GraphTooLarge as err:
        fail(f"--graph: {err}; draw a step with fewer layers: --depth 2 (the default) or less")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:  # a file in the way, no permission
        fail(f"--graph {folder}: {err.strerror or err}")
    for section in t.sections():
        t.draw(os.path.join(folder, FILES[section]), section)


def summary(t, networks):
    """One line per move: how many of each network's parameters (``networks``: the names the trace
    gives them) received a gradient."""
    counts = {net: len(list(module.parameters())) for net, module in networks.items()}
    lines = ["what each move touched (parameters that received a gradient):"]
    for move in t.sections():
        reached = t.received_grad(move)
        parts = [f"{net}: {sum(name.startswith(net + '.') for name in reached)} of {n}"
                 for net, n in counts.items()]
        lines.append(f"  {move:<27} {', '.join(parts)}")
    return "\n".join(lines)


def main(argv=None):
    """Run one traced step and print the table; returns the exit code."""
    args = build_parser().parse_args(argv)
    args.loss = args.loss or ("least-squares" if args.model == "cyclegan" else "non-saturating")
    minigan = import_minigan(args.loss)
    if args.model == "cyclegan":
        if args.graph:
            fail("--graph draws the ring GAN's moves (--model gan): CycleGAN's four networks are too large to "
                 "draw legibly; read its table")
        trainer = make_cyclegan_trainer(args)
        print(f"one {args.loss} CycleGAN step on random 16x16 images of two domains: batch {args.batch_size}, "
              f"width {args.width}\n")
    elif args.model != "gan":
        if args.graph:
            fail("--graph draws the ring GAN's moves (--model gan): a conditional DCGAN's graph is too large "
                 "to draw legibly; read its table")
        makers = {"infogan": make_infogan_trainer, "began": make_began_trainer}
        trainer = makers.get(args.model, make_conditional_trainer)(args)
        what = "BEGAN" if args.model == "began" else f"{args.loss} {args.model}"
        print(f"one {what} step on random {IMAGE_SIZE}x{IMAGE_SIZE} images of {CLASSES} classes: "
              f"batch {args.batch_size}, noise {args.z_dim}, width {args.width}\n")
    else:
        if args.batch_size % args.pack:
            fail(f"--batch-size {args.batch_size} must be a multiple of --pack {args.pack}")
        trainer = make_trainer(args)
        print(f"one {args.loss} GAN step on the ring: batch {args.batch_size}, noise {args.z_dim}, "
              f"width {args.width}, depth {args.depth}, pack {args.pack}\n")
    if args.model == "cyclegan":  # each of the four networks by its own name in the rows
        networks = {"G": trainer.generator.G, "F": trainer.generator.F, "D_A": trainer.discriminator.D_A,
                    "D_B": trainer.discriminator.D_B}
    else:
        networks = {"G": trainer.generator, "D": trainer.discriminator}
    shown = []
    for i, (name, network) in enumerate(networks.items()):
        shown += [("\n" if i else "") + f"{name} =", network]
    print(*shown, "\n")
    with minigan.trace(**networks) as t:
        (mark_cyclegan_moves if args.model == "cyclegan" else mark_moves)(trainer, t)
        stats = trainer.step()
    print(t)
    print()
    print(summary(t, networks))
    print(f"\nd_loss {float(stats['d_loss']):.4f}, g_loss {float(stats['g_loss']):.4f}; "
          f"D's optimizer stepped after moves 1 and 2, G's after move 3")
    if args.model == "began":
        print(f"the controller after move 3: L(x) {float(stats['d_real']):.4f}, k_t 0.5 -> {float(stats['k']):.6f}, "
              f"M_global {float(stats['m_global']):.4f}")
    if args.graph:
        draw_moves(t, args.graph)
        print(f"graphs of the moves: {', '.join(os.path.join(args.graph, FILES[s]) for s in t.sections())}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
