//! Test fixtures: small PDFs built with lopdf.
