import Hummingbird
import ServiceLifecycle
import Catalog
