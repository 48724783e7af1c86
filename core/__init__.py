"""Small cross-cutting helpers every app may import (API error format and pagination).
Not a Django app: no models, no business rules. See docs/decisions/0002-core-package.md."""
