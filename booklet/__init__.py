"""booklet: 便民服务一本通生成器 — the household booklet, door plates and contact cards from YAML."""

__version__ = "0.1.0"
