import type { CommandBus, ICommand } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { CommandResult } from '../event-store/command-pipeline.js';
import { etag } from './request-context.js';

export class WrittenEventDto {
  @ApiProperty({ example: '3f1c2d4e-5b6a-5c7d-8e9f-0a1b2c3d4e5f' }) id!: string;
  @ApiProperty({ example: 'VendorRegistered' }) type!: string;
  @ApiProperty({ example: '0', description: 'revision in its stream' }) revision!: string;
}

/** What every command endpoint answers: what was written, where, and whether this was a retry. */
export class CommandResponseDto {
  @ApiProperty({ example: 'vendor-3f1c2d4e-5b6a-5c7d-8e9f-0a1b2c3d4e5f' }) streamId!: string;
  @ApiProperty({ example: '0', description: 'stream revision after the command; send it back as If-Match' })
  revision!: string;
  @ApiProperty({ example: '42', description: 'position in $all; pass as waitForPosition to read your write' })
  position!: string;
  @ApiProperty({ description: 'true when an Idempotency-Key retry returned the first result' }) replayed!: boolean;
  @ApiProperty({ type: [WrittenEventDto] }) events!: WrittenEventDto[];
}

export function commandResponse(result: CommandResult): CommandResponseDto {
  return {
    streamId: result.streamId,
    revision: result.nextExpectedRevision.toString(),
    position: result.position.toString(),
    replayed: result.replayed,
    events: result.events.map((event) => ({ id: event.id, type: event.type, revision: event.revision.toString() })),
  };
}

/**
 * Runs a command through the bus and answers it: the stream's new revision as ETag (sent back as
 * If-Match), Location for a resource it created, and what was written.
 */
export async function executeCommand(commands: CommandBus, command: ICommand, reply: FastifyReply, location?: string): Promise<CommandResponseDto> {
  const result: CommandResult = await commands.execute(command);
  if (location !== undefined) void reply.header('Location', location);
  void reply.header('ETag', etag(result.nextExpectedRevision));
  return commandResponse(result);
}
