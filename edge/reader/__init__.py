"""Plate reading at the edge, behind :class:`edge.reader.base.PlateReader`."""

from edge.reader.tesseract import TesseractPlateReader, make_reader

__all__ = ["TesseractPlateReader", "make_reader"]
