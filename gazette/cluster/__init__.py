"""Cluster: group articles about the same event into stories, incrementally."""

from gazette.cluster.embed import embed_step
from gazette.cluster.incremental import IncrementalClusterer
from gazette.cluster.stage import cluster_step
from gazette.cluster.stream import cluster_items, embedding_text

__all__ = ["IncrementalClusterer", "cluster_items", "cluster_step", "embed_step", "embedding_text"]
