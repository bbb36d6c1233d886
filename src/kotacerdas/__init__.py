"""KotaCerdas: the system an Indonesian kota/kabupaten uses to run its Smart City masterplan."""

__version__ = "0.1.0"
