"""Cluster: group articles about the same event into stories, incrementally."""

from gazette.cluster.incremental import IncrementalClusterer
from gazette.cluster.stage import cluster_items, cluster_pending, embedding_text

__all__ = ["IncrementalClusterer", "cluster_items", "cluster_pending", "embedding_text"]
