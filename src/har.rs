//! HAR 1.2 import (Chrome, Firefox, Safari exports): typed, borrowing deserialisation into the
//! capture model, with clear errors naming what is wrong and where.
