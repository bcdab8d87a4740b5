// Entry point of the protoc-gen-celery-es plugin (buf/protoc run it with a CodeGeneratorRequest on stdin).
import { runNodeJs } from "@bufbuild/protoplugin";
import { protocGenCeleryEs } from "./protoc-gen-celery-es.js";

runNodeJs(protocGenCeleryEs);
