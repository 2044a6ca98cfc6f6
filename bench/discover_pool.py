"""The pool ``bench/discover.py`` ranks: real dynamic-network papers the list lacks, hard and far negatives, background.

- ``data/discover_relevant.tsv``: papers from the group's reference table of dynamic-network papers not
  yet listed (arXiv id, title, first author, year and topic as the table gives them); the abstracts are
  one or two sentences written for this benchmark, not the papers' own. ``clear_exit`` marks the clear
  early-exit papers; ``KANGAROO`` names the one that stands for issue 23's failing case.
- ``data/discover_negatives.tsv``: synthetic records (ids 2404.95NNN, which exist nowhere) with titles and
  abstracts written for this benchmark: ``hard`` ones are static efficiency (pruning, quantization,
  distillation, architecture search, attention kernels), ``far`` ones come from other fields and share
  the list's words (routing, early stopping, gating, adaptive, experts, dynamic).
- background: synthetic papers (ids 2404.1NNNN and up, titles made from the phrases below) that fill a
  window the way a week of cs.LG/cs.CV/cs.CL does: mostly machine learning, none of it input-adaptive.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class PoolPaper:
    arxiv: str
    title: str
    author: str
    abstract: str
    kind: str  # relevant, hard, far, background
    slug: str = ""
    clear_exit: bool = False  # a clear early-exit paper (the bench reports the worst rank of any of them)


def relevant() -> list[PoolPaper]:
    with open(DATA / "discover_relevant.tsv", encoding="utf-8") as handle:
        return [PoolPaper(r["arxiv"], r["title"], r["first_author"] or "Unknown Author", r["abstract"], "relevant", r["slug"], r["clear_exit"] == "yes")
                for r in csv.DictReader(handle, delimiter="\t")]


#: The pool's Kangaroo-like paper. Kangaroo itself (the paper issue 23 saw fall from 3rd to 69th once the candidates
#: came from recommendations) is not in the reference table, so it is not in the pool. This is the pool's paper with
#: Kangaroo's method as tests/curation/test_discover_ranking.py's KANGAROO describes it: a large language model's own
#: shallow layers, leaving by an early exit, draft the tokens the full model verifies, and how many are drafted adapts
#: (there, a second early exit stops drafting). Its table row: "Speculative Decoding via Early-exiting for Faster LLM
#: Inference with Thompson Sampling Control Mechanism", Jiahao Liu, 2024, ACL 2024, early-exit. (SpecEE, 2504.08850,
#: is early exiting helped by speculation, the other way round: a clear early-exit paper, not this case.)
KANGAROO = "2406.03853"


def negatives(kind: str) -> list[PoolPaper]:
    with open(DATA / "discover_negatives.tsv", encoding="utf-8") as handle:
        return [PoolPaper(r["arxiv"], r["title"], "Synthetic Author", r["abstract"], r["kind"]) for r in csv.DictReader(handle, delimiter="\t") if r["kind"] == kind]


METHODS = ["Contrastive pretraining", "Diffusion models", "Graph neural networks", "Self-supervised learning", "Bayesian optimisation",
           "Federated learning", "Reinforcement learning from human feedback", "Instruction tuning", "Retrieval-augmented generation",
           "Neural operators", "Score matching", "Variational inference", "Causal representation learning", "Optimal transport",
           "Meta-learning", "Prompt tuning", "Masked autoencoders", "Equivariant networks", "Normalising flows", "Kernel methods",
           "Gaussian processes", "Active learning", "Continual learning", "Domain adaptation", "Large language models",
           "Vision-language models", "Implicit neural representations", "Physics-informed neural networks", "Spiking neural networks",
           "Transformers", "Convolutional networks", "Recurrent networks", "Gradient boosting", "Differential privacy", "Adversarial training"]
TASKS = ["medical image segmentation", "molecular property prediction", "protein structure prediction", "weather forecasting",
         "code generation", "machine translation of low-resource languages", "speech recognition", "autonomous driving perception",
         "recommendation", "anomaly detection in time series", "3D scene reconstruction", "question answering over tables",
         "mathematical reasoning", "text-to-image generation", "robot manipulation", "fairness auditing", "drug discovery",
         "tabular classification", "point cloud registration", "satellite image analysis", "legal document summarisation",
         "hate speech detection", "visual question answering", "video captioning", "music generation", "fraud detection",
         "knowledge graph completion", "traffic forecasting", "crystal structure generation", "sign language recognition",
         "optical character recognition", "pose estimation", "sentiment analysis", "image super-resolution", "dialogue systems",
         "named entity recognition", "climate downscaling", "remaining useful life estimation", "wildfire spread prediction"]
FRAMES = ["{m} for {t}", "On the robustness of {m} in {t}", "Scaling {m} for {t}", "A benchmark of {m} for {t}",
          "Revisiting {m} for {t}", "{m} meet {t}: a study", "Towards reliable {t} with {m}", "Understanding {m} through {t}",
          "Uncertainty estimation in {t} with {m}", "Data-efficient {t} via {m}"]
FINDINGS = ["Experiments on public benchmarks show consistent gains over strong baselines.",
            "We release code and a new dataset to support further research.",
            "Our analysis explains when the approach fails and how to detect it.",
            "A theoretical bound accompanies the empirical results.",
            "The method improves accuracy while keeping training cost unchanged.",
            "Ablations identify which components matter most.",
            "Results hold across several languages and domains.",
            "We evaluate calibration, robustness to distribution shift and sample efficiency."]
OPENINGS = ["We study {m_l} for {t}.", "This paper applies {m_l} to {t}.", "We propose a new approach to {t} based on {m_l}.",
            "{t_c} remains difficult; we address it with {m_l}.", "We analyse how {m_l} behave when used for {t}."]


def background(count: int, seed: int = 23, first: int = 10000) -> list[PoolPaper]:
    """``count`` synthetic window papers, the same for the same arguments."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        m, t = rng.choice(METHODS), rng.choice(TASKS)
        title = rng.choice(FRAMES).format(m=m, t=t)
        title = title[0].upper() + title[1:]
        opening = rng.choice(OPENINGS).format(m_l=m[0].lower() + m[1:], t=t, t_c=t[0].upper() + t[1:])
        abstract = " ".join([opening, *rng.sample(FINDINGS, 2)])
        out.append(PoolPaper(f"2404.{first + n:05d}", title, "Background Author", abstract, "background"))
    return out
