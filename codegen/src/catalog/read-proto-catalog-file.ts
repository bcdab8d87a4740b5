import { CeleryProtoError } from "../../../sdk/src/errors/celery-proto-error.js";
import type { TaskCatalogModel } from "./task-catalog-model.js";

export async function readProtoCatalogFile(file: string, _source: string, _protoRoot: string | undefined): Promise<TaskCatalogModel> {
  throw new CeleryProtoError("InvalidOption", `catalog: ${file}: protobuf catalogs are not supported yet`);
}
