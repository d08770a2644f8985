"""The public Python API: load a library, build handouts and packets, run rosters, read answers.

Everything the command line, the web app and the authoring tools use comes from this module,
and nothing else: they never reach into `generator.core` or `generator.packets`. A build returns
PDFs in memory (`PDF.data`) with the file name the command line gives them; `write` puts them
on disk atomically, the one way the tool writes a build.

The light parts of the pipeline are imported here. A function that needs the engine, Markdown,
Jinja or a PDF library imports it when called, so a command loads only what it uses.
"""

from __future__ import annotations

from ..core.answers import Answer, as_csv, as_json
from ..core.content import KINDS, MODULE_ID, Library, Module, load_library
from ..core.errors import HandoutError, Problem, ProblemsFound, display_path
from ..core.fonts import DEFAULT_FONT, FONT_DIR, FONTS
from ..core.languages import LOCALE_DIR, N_, Languages, gettext
from ..core.languages import NAMES as LANGUAGE_NAMES
from ..core.languages import known as known_languages
from ..core.languages import parse as parse_language
from ..core.options import DEFAULT_PAPER, PAPERS, Options, Settled
from ..core.output import (
    DEFAULT_OUT,
    NoSpace,
    prepare_folder,
    running,
    write_atomic,
    write_error,
    write_file,
    write_new,
)
from ..core.practice_file import (
    Logo,
    check_practice,
    profile_values,
    read_practice,
    save_practice,
)
from ..core.profiles import (
    PROFILE_NAME,
    Person,
    Personal,
    Practice,
    checked_text,
    find_practice,
    load_practice,
    logo_problem,
    make_personal,
    parse_dates,
    profile_text,
    slugify,
    user_profile,
    write_profile_template,
)
from ..core.resources import CONTENT_DIR, TEMPLATES_DIR
from ..core.safety import find_region, load_regions, missing_crisis_line
from ..core.schema import BIDI_CONTROLS, trimmed
from ..core.yamlfile import dump_yaml
from ..packets.order import PacketOrder
from ..packets.packet import Packet, load_packet, packet_files
from ..packets.participants import Participant, make_participant
from ..packets.roster import Roster, read_roster
from .building import (
    PDF,
    RosterRun,
    build,
    build_packet,
    library,
    participant,
    person,
    practice,
    prepare_packet,
    run_roster,
    write,
)
from .checking import (
    check,
    check_module,
    check_modules,
    checked_in,
    reading_ease,
    reading_grade,
    survey,
)
from .pages import (
    forget_preview,
    page_images,
    png_bytes,
    preview_pages,
    render_html,
    render_page,
    render_sample,
    sample_page,
    shelves,
)
from .returned import (
    answers_in,
    answers_text,
    build_phone,
    build_site,
    ensure_practice_key,
    export_practice_keys,
    import_practice_keys,
    key_fingerprint,
    new_practice_key,
    practice_keys,
    practice_public_key,
    read_answers,
    read_many_answers,
)

__all__ = [
    "BIDI_CONTROLS",
    "CONTENT_DIR",
    "DEFAULT_FONT",
    "DEFAULT_OUT",
    "DEFAULT_PAPER",
    "FONTS",
    "FONT_DIR",
    "KINDS",
    "LANGUAGE_NAMES",
    "LOCALE_DIR",
    "MODULE_ID",
    "N_",
    "PAPERS",
    "PDF",
    "PROFILE_NAME",
    "TEMPLATES_DIR",
    "Answer",
    "HandoutError",
    "Languages",
    "Library",
    "Logo",
    "Module",
    "NoSpace",
    "Options",
    "Packet",
    "PacketOrder",
    "Participant",
    "Person",
    "Personal",
    "Practice",
    "Problem",
    "ProblemsFound",
    "Roster",
    "RosterRun",
    "Settled",
    "answers_in",
    "answers_text",
    "as_csv",
    "as_json",
    "build",
    "build_packet",
    "build_phone",
    "build_site",
    "check",
    "check_module",
    "check_modules",
    "check_practice",
    "checked_in",
    "checked_text",
    "display_path",
    "dump_yaml",
    "ensure_practice_key",
    "export_practice_keys",
    "find_practice",
    "find_region",
    "forget_preview",
    "gettext",
    "import_practice_keys",
    "key_fingerprint",
    "known_languages",
    "library",
    "load_library",
    "load_packet",
    "load_practice",
    "load_regions",
    "logo_problem",
    "make_participant",
    "make_personal",
    "missing_crisis_line",
    "new_practice_key",
    "packet_files",
    "page_images",
    "parse_dates",
    "parse_language",
    "participant",
    "person",
    "png_bytes",
    "practice",
    "practice_keys",
    "practice_public_key",
    "prepare_folder",
    "prepare_packet",
    "preview_pages",
    "profile_text",
    "profile_values",
    "read_answers",
    "read_many_answers",
    "read_practice",
    "read_roster",
    "reading_ease",
    "reading_grade",
    "render_html",
    "render_page",
    "render_sample",
    "run_roster",
    "running",
    "sample_page",
    "save_practice",
    "shelves",
    "slugify",
    "survey",
    "trimmed",
    "user_profile",
    "write",
    "write_atomic",
    "write_error",
    "write_file",
    "write_new",
    "write_profile_template",
]
